using System.Runtime.CompilerServices;
using Secnet.Log;

namespace Secnet.Sites;

/// <summary>A site's log: filters by <c>log-events</c>, maps events to classes, adds the
/// <c>local&lt;-&gt;peer: </c> prefix.</summary>
internal sealed class SiteLog(ILog log, SiteLogEvents enabled, string localName, string peerName)
{
    private readonly string _prefix = $"{localName}<->{peerName}: ";

    public bool On(SiteLogEvents ev) => (enabled & ev) != 0 && log.IsEnabled(ClassOf(ev));

    public void Write(SiteLogEvents ev, string text)
    {
        if (On(ev)) log.Log(ClassOf(ev), _prefix + text);
    }

    /// <summary>
    /// The same for an interpolated text, which is formatted only if the event is logged: a key
    /// exchange writes a dozen lines a site, most of them for events off by default (state
    /// changes, packet dumps, peer addresses), and a hub restarting with a thousand sites would
    /// otherwise build and drop every one of them.
    /// </summary>
    public void Write(SiteLogEvents ev, [InterpolatedStringHandlerArgument("", "ev")] ref SiteLogText text)
    {
        if (text.Enabled) log.Log(ClassOf(ev), text.ToStringAndClear());
    }

    /// <summary>A report the operator asked for (SIGUSR1): info, whatever <c>log-events</c> says.</summary>
    public void Report(string text)
    {
        if (log.IsEnabled(LogClass.Info)) log.Log(LogClass.Info, _prefix + text);
    }

    private static LogClass ClassOf(SiteLogEvents ev) => ev switch
    {
        SiteLogEvents.SetupTimeout => LogClass.Notice,
        SiteLogEvents.Security => LogClass.Security,
        SiteLogEvents.Errors => LogClass.Error,
        SiteLogEvents.StateChange or SiteLogEvents.PacketDrop or SiteLogEvents.DumpPackets or SiteLogEvents.PeerAddrs => LogClass.Debug,
        _ => LogClass.Info,
    };

    /// <summary>Builds a <see cref="Write(SiteLogEvents, ref SiteLogText)"/> text, prefix
    /// included, only when the event is logged (the compiler skips the appends otherwise).</summary>
    [InterpolatedStringHandler]
    internal ref struct SiteLogText
    {
        private DefaultInterpolatedStringHandler _text;

        public SiteLogText(int literalLength, int formattedCount, SiteLog log, SiteLogEvents ev, out bool enabled)
        {
            Enabled = enabled = log.On(ev);
            if (!enabled) return;
            _text = new DefaultInterpolatedStringHandler(literalLength + log._prefix.Length, formattedCount);
            _text.AppendLiteral(log._prefix);
        }

        public bool Enabled { get; }

        public void AppendLiteral(string value) => _text.AppendLiteral(value);
        public void AppendFormatted<T>(T value) => _text.AppendFormatted(value);
        public void AppendFormatted<T>(T value, string? format) => _text.AppendFormatted(value, format);
        public void AppendFormatted(ReadOnlySpan<char> value) => _text.AppendFormatted(value);
        public void AppendFormatted(string? value) => _text.AppendFormatted(value);

        public string ToStringAndClear() => _text.ToStringAndClear();
    }
}
