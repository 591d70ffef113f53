using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Secnet.Control;

/// <summary>
/// <c>metrics-listen</c>: <c>GET /metrics</c> over HTTP for a Prometheus server. A tiny HTTP/1.0
/// responder on a plain socket rather than HttpListener or Kestrel (megabytes in the Native AOT
/// binary and threads of their own, for one path): it reads the request head (at most
/// <see cref="MaxRequestBytes"/>), answers, and closes the connection.
/// </summary>
public sealed class MetricsHttpServer : BoundedSocketServer
{
    public const int MaxRequestBytes = 8192;

    private readonly Func<string> _metrics;

    private MetricsHttpServer(Socket listener, Func<string> metrics) : base(listener) => _metrics = metrics;

    public EndPoint LocalEndPoint { get; private init; } = new IPEndPoint(IPAddress.None, 0);

    /// <summary>Binds and listens; throws <see cref="IOException"/> with the reason.</summary>
    public static MetricsHttpServer Open(IPEndPoint at, Func<string> metrics)
    {
        ArgumentNullException.ThrowIfNull(at);
        var listener = new Socket(at.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Bind(at);
            listener.Listen(Backlog);
            return new MetricsHttpServer(listener, metrics) { LocalEndPoint = listener.LocalEndPoint! };
        }
        catch (SocketException e)
        {
            listener.Dispose();
            throw new IOException($"metrics-listen {at}: {e.Message}", e);
        }
    }

    protected override void Serve(Socket client)
    {
        var head = ReadRequest(client, "\n\r\n", MaxRequestBytes);
        if (head is null)
        {
            SendAll(client, Reply("400 Bad Request", "text/plain; charset=utf-8", "request head missing, too long or too slow\n", withBody: true));
            return;
        }
        int eol = head.IndexOf('\r', StringComparison.Ordinal);
        var parts = head[..(eol < 0 ? head.Length : eol)].Split(' ');
        if (parts.Length != 3 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            SendAll(client, Reply("400 Bad Request", "text/plain; charset=utf-8", "not an HTTP/1.x request\n", withBody: true));
            return;
        }
        bool headOnly = parts[0] == "HEAD";
        if (parts[0] != "GET" && !headOnly)
        {
            SendAll(client, Reply("405 Method Not Allowed", "text/plain; charset=utf-8", "only GET\n", withBody: true, allow: true));
            return;
        }
        var path = parts[1];
        int query = path.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0) path = path[..query];
        if (path != "/metrics")
        {
            SendAll(client, Reply("404 Not Found", "text/plain; charset=utf-8", "secnet serves /metrics only\n", !headOnly));
            return;
        }
        var body = OnLoop(_metrics);
        SendAll(client, body is null
            ? Reply("503 Service Unavailable", "text/plain; charset=utf-8", "the daemon did not answer in time\n", !headOnly)
            : Reply("200 OK", MetricsText.ContentType, body, !headOnly));
    }

    private static string Reply(string status, string contentType, string body, bool withBody, bool allow = false)
    {
        var sb = new StringBuilder()
            .Append("HTTP/1.0 ").Append(status).Append("\r\n")
            .Append("Content-Type: ").Append(contentType).Append("\r\n")
            .Append("Content-Length: ").Append(Encoding.UTF8.GetByteCount(body)).Append("\r\n");
        if (allow) sb.Append("Allow: GET, HEAD\r\n");
        sb.Append("Connection: close\r\n\r\n");
        if (withBody) sb.Append(body);
        return sb.ToString();
    }
}
