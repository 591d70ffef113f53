using System.Net.Sockets;
using System.Text;
using Secnet.Runtime;

namespace Secnet.Control;

/// <summary>
/// A listening socket served by one background thread, one connection at a time: the control
/// socket and the metrics listener are for an operator and a scraper, not for crowds. Bounded
/// in every way a client could stretch it: the kernel's backlog holds at most
/// <see cref="Backlog"/> waiting connections, a request must arrive within
/// <see cref="RequestTimeoutMs"/> and fit in its limit, and a reply that the client does not
/// read within <see cref="SendTimeoutMs"/> is abandoned. The answer itself is computed on the
/// event loop thread (<see cref="OnLoop{T}"/>), which owns the sites' state.
/// </summary>
public abstract class BoundedSocketServer : IDisposable
{
    public const int Backlog = 8;
    public const int RequestTimeoutMs = 2000;
    public const int SendTimeoutMs = 5000;

    /// <summary>How long a request waits for the event loop before the client hears "busy".</summary>
    public const int LoopTimeoutMs = 10_000;

    private readonly Socket _listener;
    private IScheduler? _loop;
    private Thread? _thread;
    private volatile bool _closed;

    protected BoundedSocketServer(Socket listener) => _listener = listener;

    /// <summary>Starts the thread (at RUN): requests are answered once the loop runs.</summary>
    public void Start(IScheduler loop, string threadName)
    {
        _loop = loop;
        _thread = new Thread(AcceptLoop) { IsBackground = true, Name = threadName };
        _thread.Start();
    }

    private void AcceptLoop()
    {
        while (!_closed)
        {
            Socket client;
            try
            {
                client = _listener.Accept();
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                if (_closed) return;
                // Out of descriptors or the like: do not spin.
                Thread.Sleep(100);
                continue;
            }
            using (client)
            {
                try
                {
                    client.SendTimeout = SendTimeoutMs;
                    Serve(client);
                    client.Shutdown(SocketShutdown.Send);
                    DrainBriefly(client);
                }
                catch (SocketException)
                {
                    // The client went away or was too slow: nothing to tell anyone.
                }
                catch (ObjectDisposedException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>
    /// Closing with unread input makes the kernel reset the connection, and the reset can
    /// overtake the reply: a client that sent too much would see "connection reset" instead of
    /// the error line. So what is left is read and thrown away, a little and briefly.
    /// </summary>
    private static void DrainBriefly(Socket client)
    {
        var sink = new byte[4096];
        client.ReceiveTimeout = 200;
        try
        {
            for (int total = 0; total < 64 * 1024;)
            {
                int n = client.Receive(sink);
                if (n == 0) return;
                total += n;
            }
        }
        catch (SocketException)
        {
            // Timed out or reset: either way the reply is out.
        }
    }

    /// <summary>Reads one request and writes its reply (this server's thread).</summary>
    protected abstract void Serve(Socket client);

    /// <summary>Runs <paramref name="work"/> on the event loop thread and waits for it; null if
    /// the loop did not run it within <see cref="LoopTimeoutMs"/> (shutting down, or stuck).</summary>
    protected T? OnLoop<T>(Func<T> work) where T : class
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _loop!.Post(() =>
        {
            // The result is set even if work throws, so this thread never waits for nothing; the
            // exception still escapes to the loop, which treats it as the bug it is.
            T? result = null;
            try
            {
                result = work();
            }
            finally
            {
                done.TrySetResult(result!);
            }
        });
        return done.Task.Wait(LoopTimeoutMs) ? done.Task.Result : null;
    }

    /// <summary>
    /// Bytes up to and including the first <paramref name="terminator"/>, as Latin-1 text; null
    /// if the client closed, sent more than <paramref name="maxBytes"/> without one, or took
    /// longer than <see cref="RequestTimeoutMs"/> in all.
    /// </summary>
    protected static string? ReadRequest(Socket client, string terminator, int maxBytes)
    {
        ArgumentNullException.ThrowIfNull(client);
        var buffer = new byte[maxBytes];
        int length = 0;
        long deadline = Environment.TickCount64 + RequestTimeoutMs;
        var end = Encoding.Latin1.GetBytes(terminator);
        while (length < maxBytes)
        {
            long left = deadline - Environment.TickCount64;
            if (left <= 0) return null;
            client.ReceiveTimeout = (int)left;
            int n;
            try
            {
                n = client.Receive(buffer, length, maxBytes - length, SocketFlags.None);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
            {
                return null;
            }
            if (n == 0) return null;
            length += n;
            int at = buffer.AsSpan(0, length).IndexOf(end);
            if (at >= 0) return Encoding.Latin1.GetString(buffer, 0, at + end.Length);
        }
        return null;
    }

    protected static void SendAll(Socket client, string text)
    {
        ArgumentNullException.ThrowIfNull(client);
        var bytes = Encoding.UTF8.GetBytes(text);
        int sent = 0;
        while (sent < bytes.Length) sent += client.Send(bytes, sent, bytes.Length - sent, SocketFlags.None);
    }

    /// <summary>Stops accepting (any thread); the connection in progress ends with an error.</summary>
    public virtual void Dispose()
    {
        _closed = true;
        _listener.Dispose();
        GC.SuppressFinalize(this);
    }
}
