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
        const string text = "text/plain; charset=utf-8";
        switch (HttpRequestHead.Route(head))
        {
            case HttpRoute.Metrics or HttpRoute.MetricsHeadOnly:
                bool withBody = HttpRequestHead.Route(head) == HttpRoute.Metrics;
                var body = OnLoop(_metrics);
                SendAll(client, body is null
                    ? Reply("503 Service Unavailable", text, "the daemon did not answer in time\n", withBody)
                    : Reply("200 OK", MetricsText.ContentType, body, withBody));
                break;
            case HttpRoute.NotFound:
                SendAll(client, Reply("404 Not Found", text, "secnet serves /metrics only\n", withBody: true));
                break;
            case HttpRoute.NotFoundHeadOnly:
                SendAll(client, Reply("404 Not Found", text, "secnet serves /metrics only\n", withBody: false));
                break;
            case HttpRoute.MethodNotAllowed:
                SendAll(client, Reply("405 Method Not Allowed", text, "only GET\n", withBody: true, allow: true));
                break;
            default:
                SendAll(client, Reply("400 Bad Request", text, "not an HTTP/1.x request, or too long or too slow\n", withBody: true));
                break;
        }
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

/// <summary>What the metrics listener does with a request.</summary>
public enum HttpRoute { BadRequest, Metrics, MetricsHeadOnly, NotFound, NotFoundHeadOnly, MethodNotAllowed }

/// <summary>The request line of an HTTP/1.x request head (bytes from the network, as Latin-1).</summary>
public static class HttpRequestHead
{
    /// <summary>Only the request line matters: <c>GET</c> or <c>HEAD</c> of <c>/metrics</c>
    /// (any query) is served; headers are read and ignored. Null (nothing read) is a bad request.</summary>
    public static HttpRoute Route(string? head)
    {
        if (head is null) return HttpRoute.BadRequest;
        int eol = head.IndexOf('\r', StringComparison.Ordinal);
        var parts = head[..(eol < 0 ? head.Length : eol)].Split(' ');
        if (parts.Length != 3 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal) || parts[0].Length == 0)
            return HttpRoute.BadRequest;
        bool headOnly = parts[0] == "HEAD";
        if (parts[0] != "GET" && !headOnly) return HttpRoute.MethodNotAllowed;
        var path = parts[1];
        int query = path.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0) path = path[..query];
        if (path == "/metrics") return headOnly ? HttpRoute.MetricsHeadOnly : HttpRoute.Metrics;
        return headOnly ? HttpRoute.NotFoundHeadOnly : HttpRoute.NotFound;
    }
}
