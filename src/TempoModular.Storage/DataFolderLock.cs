namespace TempoModular.Storage;

/// <summary>
/// Holds the embedded default's data folder for one host. SQLite is one host's
/// database: a second host on the same folder would run its own activation of
/// every grain and silently fork the state (a token revoked through one host
/// still accepted by the other), so it is refused at start instead. The lock
/// is the operating system's (an exclusive lock on a file), so it goes away
/// with the process, however the process ends.
/// </summary>
internal sealed class DataFolderLock : IDisposable
{
    private const string FileName = "host.lock";

    // The holder's process id goes to a file of its own: the lock file itself
    // cannot be read by anyone else while it is held.
    private const string HolderFileName = "host.pid";

    private readonly FileStream _file;

    private DataFolderLock(FileStream file) => _file = file;

    public static DataFolderLock Acquire(string folder)
    {
        var path = Path.Combine(folder, FileName);
        try
        {
            var file = new FileStream(path, PrivateFiles.OpenOptions(FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            // Who holds it, for the message a second host prints.
            File.WriteAllText(Path.Combine(folder, HolderFileName), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return new DataFolderLock(file);
        }
        catch (IOException ex)
        {
            throw new InvalidOperationException(
                $"The data folder {folder} is in use by another TempoModular host{Holder(Path.Combine(folder, HolderFileName))}. " +
                "The embedded SQLite storage serves one host per data folder: stop the other host, " +
                "give this one its own Storage:DataFolder, or run several hosts as a cluster on PostgreSQL " +
                "(Storage:Provider=PostgreSql).", ex);
        }
    }

    private static string Holder(string path)
    {
        try
        {
            var pid = File.ReadAllText(path).Trim();
            return pid.Length > 0 ? $" (process {pid})" : "";
        }
        catch (IOException)
        {
            // The holder's id is only a courtesy in the message.
            return "";
        }
    }

    public void Dispose() => _file.Dispose();
}
