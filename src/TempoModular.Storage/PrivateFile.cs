namespace TempoModular.Storage;

/// <summary>Files only the host's own user may read: keys, certificates, locks.</summary>
public static class PrivateFile
{
    /// <summary>Open options that create a missing file with mode 600 (owner read and write).</summary>
    public static FileStreamOptions Options(FileMode mode, FileAccess access, FileShare share = FileShare.Read)
    {
        var options = new FileStreamOptions { Mode = mode, Access = access, Share = share };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return options;
    }
}
