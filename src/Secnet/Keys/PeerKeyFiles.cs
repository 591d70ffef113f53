using System.Text;
using Secnet.Interop;
using Secnet.Log;

namespace Secnet.Keys;

/// <summary>
/// A site's <c>peer-keys</c> file F and its update protocol (NOTES.peer-keys): F is the live set,
/// read at start-up and kept in step with memory; a configuration manager renames a new set onto
/// <c>F~update</c>; before each key exchange secnet moves <c>F~update</c> to <c>F~proc</c> (if
/// no <c>F~proc</c> is waiting) and then either renames <c>F~proc</c> onto F (its serial is
/// newer) or removes it (not newer). An unreadable <c>F~proc</c> is left alone and the live set
/// stays in force, as 0.6.7 does. Owner thread only.
/// </summary>
public sealed class PeerKeyFiles : IPeerKeySource
{
    // Far beyond a set of a few keys; a bigger file is refused rather than read in part.
    private const int MaxFileBytes = 256 * 1024;

    private readonly ILog _log;
    private uint? _liveSerial;

    public PeerKeyFiles(string path, ILog log)
    {
        Path = path;
        _log = log;
    }

    public string Path { get; }

    public string UpdatePath => Path + "~update";

    public string ProcPath => Path + "~proc";

    /// <summary>The set in force (empty if none could be read yet).</summary>
    public PeerKeySet Current { get; private set; } = PeerKeySet.Empty;

    /// <summary>Start-up: reads the live file. A missing file is normal for a site whose set
    /// only exists as <c>~update</c> so far (make-secnet-sites writes nothing else).</summary>
    public void LoadLive()
    {
        if (TryRead(Path, out PeerKeySet? set))
        {
            Current = set!;
            _liveSerial = set!.Serial;
        }
    }

    public PeerKeySet Refresh(Action<string> siteLog)
    {
        ArgumentNullException.ThrowIfNull(siteLog);
        if (!File.Exists(ProcPath))
        {
            if (_log.IsEnabled(LogClass.Debug))
                _log.Log(LogClass.Debug, $"expectedly could not open keyset file {ProcPath}: No such file or directory");
            // Nearly every exchange finds no update: a stat, rather than a failed rename's exception.
            if (!File.Exists(UpdatePath) || !TryRename(UpdatePath, ProcPath)) return Current;
        }

        if (!TryRead(ProcPath, out PeerKeySet? update)) return Current;
        if (KeySetSerial.IsNewer(update!.Serial, _liveSerial))
        {
            if (!TryRename(ProcPath, Path)) return Current;
            siteLog($"keys from {ProcPath} (update) are newer, installing");
            Current = update;
            _liveSerial = update.Serial;
        }
        else
        {
            siteLog($"keys from {ProcPath} (update) are older, discarding");
            TryDelete(ProcPath);
        }
        return Current;
    }

    private bool TryRead(string file, out PeerKeySet? set)
    {
        set = null;
        if (!PosixFile.TryReadPrefix(file, MaxFileBytes + 1, out byte[] contents, out string? error))
        {
            Write(LogClass.Error, $"could not open keyset file {file}: {error}");
            return false;
        }
        if (contents.Length > MaxFileBytes)
        {
            Write(LogClass.Error, $"{file}: key set file larger than {MaxFileBytes} bytes");
            return false;
        }
        var result = PeerKeySetParser.Parse(Encoding.Latin1.GetString(contents), file);
        foreach (var (cls, text) in result.Messages) Write(cls, text);
        set = result.Set;
        return set is not null;
    }

    private bool TryRename(string from, string to)
    {
        try
        {
            File.Move(from, to, overwrite: true);
            return true;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Write(LogClass.Error, $"failed to rename keyset file {from} to {to}: {e.Message}");
            return false;
        }
    }

    private void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Write(LogClass.Error, $"failed to remove keyset file {file}: {e.Message}");
        }
    }

    private void Write(LogClass cls, string text)
    {
        if (_log.IsEnabled(cls)) _log.Log(cls, text);
    }
}
