namespace Counter.ServiceDefaults;

/// <summary>
/// Folders and files that hold sessions or secrets (the store's data, Garnet's data and password
/// file): their owner's alone, whatever the umask or an older version left. Windows keeps its ACLs.
/// A mode that is already right is left alone: a chmod is a write, and a read-only disk refuses it.
/// </summary>
public static class OwnerOnly
{
    private const UnixFileMode FilePermissions = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode FolderPermissions = FilePermissions | UnixFileMode.UserExecute;

    /// <summary>Creates the folder 0700, or makes an existing one 0700.</summary>
    public static void CreateFolder(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }
        Directory.CreateDirectory(path, FolderPermissions);
        SetMode(path, FolderPermissions);
    }

    /// <summary>Creates the file empty and 0600 if it is missing, so what is written next is never readable by others; makes an existing one 0600.</summary>
    public static void CreateFile(string path)
    {
        if (!OperatingSystem.IsWindows() && !File.Exists(path))
        {
            new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = FilePermissions }).Dispose();
        }
        Restrict(path);
    }

    /// <summary>Makes the file 0600 if it exists.</summary>
    public static void Restrict(string path)
    {
        if (!OperatingSystem.IsWindows() && File.Exists(path))
        {
            SetMode(path, FilePermissions);
        }
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void SetMode(string path, UnixFileMode mode)
    {
        if (File.GetUnixFileMode(path) != mode)
        {
            File.SetUnixFileMode(path, mode);
        }
    }
}
