using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace TempoModular.Storage;

/// <summary>
/// Files only the host's own account may read (mode 600, folders 700): the
/// database holds password hashes and secret ciphertexts, the key ring the keys
/// that decrypt those secrets. Windows keeps its inherited ACLs.
/// </summary>
public static class PrivateFiles
{
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyFolder = OwnerOnlyFile | UnixFileMode.UserExecute;

    /// <summary>Creates the folder owner-only when it does not exist yet (an existing one keeps the operator's mode).</summary>
    public static void CreateFolder(string path)
    {
        if (OperatingSystem.IsWindows() || Directory.Exists(path))
        {
            Directory.CreateDirectory(path);
            return;
        }

        Directory.CreateDirectory(path, OwnerOnlyFolder);
    }

    /// <summary>Open options that create a missing file owner-only (mode 600).</summary>
    public static FileStreamOptions OpenOptions(FileMode mode, FileAccess access, FileShare share = FileShare.Read)
    {
        var options = new FileStreamOptions { Mode = mode, Access = access, Share = share };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnlyFile;
        }

        return options;
    }

    /// <summary>Creates an empty owner-only file when none exists yet.</summary>
    public static void CreateFile(string path)
    {
        if (OperatingSystem.IsWindows() || File.Exists(path))
        {
            return;
        }

        try
        {
            using var _ = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerOnlyFile });
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first; that one's mode stands.
        }
    }

    /// <summary>The file-system key ring of the embedded default, with owner-only key files.</summary>
    internal sealed class KeyRingFolder : IXmlRepository
    {
        private readonly DirectoryInfo _folder;
        private readonly FileSystemXmlRepository _files;

        public KeyRingFolder(string path)
        {
            CreateFolder(path);
            _folder = new DirectoryInfo(path);
            _files = new FileSystemXmlRepository(_folder, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        }

        public IReadOnlyCollection<XElement> GetAllElements() => _files.GetAllElements();

        public void StoreElement(XElement element, string friendlyName)
        {
            _files.StoreElement(element, friendlyName);
            if (OperatingSystem.IsWindows())
            {
                return;
            }

            // The framework writes the file with the process umask (usually 644).
            foreach (var file in _folder.EnumerateFiles("*.xml"))
            {
                File.SetUnixFileMode(file.FullName, OwnerOnlyFile);
            }
        }
    }
}
