using Secnet.Interop;
using Secnet.Log;
using Secnet.Packets;

namespace Secnet.Netlink;

/// <summary>
/// The userv-ipif child and the SLIP link over its stdin/stdout (netlink.md §11).
/// <see cref="Start"/> spawns it in its own session with only the two pipe ends (and our
/// stderr) open, waits for the confirmation byte (END), then runs two threads:
/// a reader (poll the pipe, read up to 2048 bytes per wake-up, SLIP-decode into pooled buffers
/// handed to <c>fromChild</c>) and a waiter (waitpid). The child exiting, or its stdout
/// closing, while running is reported once through <c>fatal</c> with secnet's texts.
/// <see cref="ToChild"/> SLIP-encodes and writes from any thread.
/// <see cref="Shutdown"/> sends SIGTERM to the child's process group.
/// </summary>
public sealed unsafe class UservIpifChild : IDisposable
{
    private const int ReadChunk = 2048;
    private const int ExitGraceMs = 1000;

    private readonly string _name;
    private readonly Action<string> _fatal;
    private readonly ILog _log;
    private readonly SlipDecoder _decoder;
    private readonly byte[] _encoded;
    private readonly object _writeLock = new();
    private readonly ManualResetEventSlim _exited = new();
    private int _toChild = -1;
    private int _fromChild = -1;
    private int _wakeRead = -1;
    private int _wakeWrite = -1;
    private Thread? _reader;
    private Thread? _waiter;
    private volatile bool _stopping;
    private int _fatalReported;
    private long _writeFailures;

    /// <param name="name">The netlink's name (message prefix).</param>
    /// <param name="maxPacket">Largest packet in either direction (the device's buffer size).</param>
    public UservIpifChild(string name, BufferPool pool, int maxPacket, Action<PacketBuffer> fromChild,
        Action<string> fatal, ILog log)
    {
        _name = name;
        _fatal = fatal;
        _log = log;
        _decoder = new SlipDecoder(pool, maxPacket, fromChild, log);
        _encoded = new byte[SlipEncoder.MaxEncodedLength(maxPacket)];
    }

    public int Pid { get; private set; } = -1;

    /// <summary>How the child ended, once it has.</summary>
    internal WaitStatus? ExitStatus { get; private set; }

    public long FramesReceived => _decoder.FramesDecoded;
    public long BadEscapes => _decoder.BadEscapes;
    public long OverlongFrames => _decoder.OverlongFrames;
    public long WriteFailures => Interlocked.Read(ref _writeFailures);

    /// <summary>Spawns <c>argv[0]</c> with <paramref name="argv"/> and waits (blocking) for the
    /// confirmation byte. Throws <see cref="IOException"/> with secnet's fatal text if the child
    /// fails to confirm.</summary>
    public void Start(IReadOnlyList<string> argv)
    {
        if (Pid > 0) throw new InvalidOperationException("already started");
        Log(LogClass.Info, $"{_name}: about to invoke: {string.Join(' ', argv)}");

        int* toChild = stackalloc int[2];
        int* fromChild = stackalloc int[2];
        int* wake = stackalloc int[2];
        if (Libc.Pipe2(toChild, Libc.O_CLOEXEC) < 0 || Libc.Pipe2(fromChild, Libc.O_CLOEXEC) < 0
            || Libc.Pipe2(wake, Libc.O_CLOEXEC | Libc.O_NONBLOCK) < 0)
            throw new IOException($"{_name}: pipe(): {Errno.Describe(Errno.Last)}");
        _toChild = toChild[1];
        _fromChild = fromChild[0];
        _wakeRead = wake[0];
        _wakeWrite = wake[1];

        var error = PosixSpawn.Spawn(argv[0], argv, toChild[0], fromChild[1], newSession: true, out var pid);
        Libc.Close(toChild[0]);
        Libc.Close(fromChild[1]);
        if (error != 0)
        {
            // secnet's forked child prints this before exiting, leaving the parent to see EOF.
            Console.Error.WriteLine($"userv-entry: execvp(): {Errno.Describe(error)}");
            throw new IOException($"{_name}: unexpected EOF instead of confirmation byte - userv ipif failed?");
        }
        Pid = pid;
        Log(LogClass.Info, $"{_name}: userv-ipif pid is {pid}");
        _waiter = new Thread(WaitForExit) { IsBackground = true, Name = $"userv-ipif {pid} waiter" };
        _waiter.Start();

        AwaitConfirmation();
        Libc.SetNonBlocking(_toChild, true);
        Libc.SetNonBlocking(_fromChild, true);
        _reader = new Thread(ReadLoop) { IsBackground = true, Name = $"userv-ipif {pid} reader" };
        _reader.Start();
    }

    private void AwaitConfirmation()
    {
        byte confirmation;
        while (true)
        {
            var count = Libc.Read(_fromChild, &confirmation, 1);
            if (count == 1) break;
            if (count == 0)
                throw new IOException($"{_name}: unexpected EOF instead of confirmation byte - userv ipif failed?");
            var errno = Errno.Last;
            if (errno != Errno.EINTR)
                throw new IOException($"{_name}: read of confirmation byte: {Errno.Describe(errno)}");
            Log(LogClass.Warning, $"{_name}: read of confirmation byte was interrupted");
        }
        if (confirmation != Slip.End)
            throw new IOException($"{_name}: bad confirmation byte {confirmation} from userv-ipif");
    }

    /// <summary>Sends a packet to the kernel through the child; takes ownership of the buffer.</summary>
    public void ToChild(PacketBuffer packet)
    {
        lock (_writeLock)
        {
            var length = packet.Length <= (_encoded.Length - 2) / 2
                ? SlipEncoder.Encode(packet.Data, _encoded)
                : -1;
            packet.Release();
            if (length < 0 || _toChild < 0) return;
            var offset = 0;
            while (offset < length)
            {
                nint written;
                fixed (byte* p = &_encoded[offset]) written = Libc.Write(_toChild, p, length - offset);
                if (written >= 0)
                {
                    offset += (int)written;
                    continue;
                }
                var errno = Errno.Last;
                if (errno == Errno.EINTR) continue;
                Interlocked.Increment(ref _writeFailures);
                Log(LogClass.Error, $"slip: write() (packet(s) lost): {Errno.Describe(errno)}");
                return;
            }
        }
    }

    private void ReadLoop()
    {
        Span<byte> chunk = stackalloc byte[ReadChunk];
        Libc.PollFd* fds = stackalloc Libc.PollFd[2];
        while (!_stopping)
        {
            fds[0] = new Libc.PollFd { Fd = _fromChild, Events = Libc.POLLIN };
            fds[1] = new Libc.PollFd { Fd = _wakeRead, Events = Libc.POLLIN };
            if (Libc.Poll(fds, 2, -1) < 0)
            {
                if (Errno.Last == Errno.EINTR) continue;
                ReportFatal($"{_name}: userv_afterpoll: poll(): {Errno.Describe(Errno.Last)}");
                return;
            }
            if (_stopping || fds[0].Revents == 0) continue;
            nint count;
            fixed (byte* p = chunk) count = Libc.Read(_fromChild, p, chunk.Length);
            if (count > 0)
            {
                _decoder.Feed(chunk[..(int)count]);
                continue;
            }
            if (count < 0)
            {
                var errno = Errno.Last;
                if (errno is Errno.EAGAIN or Errno.EINTR) continue;
                ReportFatal($"{_name}: userv_afterpoll: read(rxfd): {Errno.Describe(errno)}");
                return;
            }
            // EOF normally means the child died: let the waiter report that with its status.
            _exited.Wait(ExitGraceMs);
            if (!_stopping) ReportFatal($"{_name}: userv_afterpoll: read(rxfd)=0; userv gone away?");
            return;
        }
    }

    private void WaitForExit()
    {
        int status;
        int result;
        do result = Libc.WaitPid(Pid, &status, 0);
        while (result < 0 && Errno.Last == Errno.EINTR);
        if (result < 0)
        {
            _exited.Set();
            return;
        }
        var exit = new WaitStatus(status);
        ExitStatus = exit;
        if (!_stopping)
            ReportFatal($"{_name}: userv {exit.Describe()}");
        else if (!(exit.Exited && exit.ExitCode == 0) && !(exit.Signaled && exit.Signal == Libc.SIGTERM))
            Log(LogClass.Warning, $"{_name}: userv {exit.Describe()}");
        _exited.Set();
    }

    private void ReportFatal(string message)
    {
        if (Interlocked.Exchange(ref _fatalReported, 1) == 0) _fatal(message);
    }

    /// <summary>PHASE_SHUTDOWN: SIGTERM to the child's process group and stop the threads.
    /// A child still alive after <paramref name="graceMs"/> gets SIGKILL.</summary>
    public void Shutdown(int graceMs = 5000)
    {
        if (_stopping) return;
        _stopping = true;
        if (Pid > 0 && !_exited.IsSet)
        {
            Libc.Kill(-Pid, Libc.SIGTERM);
            if (!_exited.Wait(graceMs))
            {
                Libc.Kill(-Pid, Libc.SIGKILL);
                _exited.Wait(graceMs);
            }
        }
        if (_wakeWrite >= 0)
        {
            byte wake = 1;
            Libc.Write(_wakeWrite, &wake, 1);
        }
        _reader?.Join();
    }

    private void Log(LogClass cls, string message)
    {
        if (_log.IsEnabled(cls)) _log.Log(cls, message);
    }

    public void Dispose()
    {
        Shutdown();
        lock (_writeLock)
        {
            CloseFd(ref _toChild);
        }
        CloseFd(ref _fromChild);
        CloseFd(ref _wakeRead);
        CloseFd(ref _wakeWrite);
        _decoder.Dispose();
        _exited.Dispose();
    }

    private static void CloseFd(ref int fd)
    {
        if (fd >= 0) Libc.Close(fd);
        fd = -1;
    }
}
