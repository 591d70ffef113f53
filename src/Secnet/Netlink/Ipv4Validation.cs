using System.Globalization;

namespace Secnet.Netlink;

/// <summary>The outcome of the §5 checks; the numbers are those secnet prints in the reason.</summary>
internal readonly record struct Ipv4Validation(Ipv4Validation.Failure Kind, int A = 0, int B = 0)
{
    public enum Failure
    {
        None,
        TooShort,
        Version,
        Ihl,
        ShorterThanHeader,
        Checksum,
        LengthMismatch,
        TotalLengthBelowHeader,
    }

    public bool IsValid => Kind == Failure.None;

    /// <summary>Checks in secnet 0.6.7's order; the first failure wins.</summary>
    public static Ipv4Validation Check(ReadOnlySpan<byte> p)
    {
        if (p.Length < Ipv4Header.MinLength) return new(Failure.TooShort, p.Length);
        int version = Ipv4Header.Version(p);
        if (version != 4) return new(Failure.Version, version);
        int ihl = Ipv4Header.Ihl(p);
        if (ihl < 5) return new(Failure.Ihl, ihl);
        if (p.Length < ihl * 4) return new(Failure.ShorterThanHeader, p.Length, ihl);
        if (Ipv4Header.InternetChecksum(p[..(ihl * 4)]) != 0) return new(Failure.Checksum);
        int total = Ipv4Header.TotalLength(p);
        if (p.Length != total) return new(Failure.LengthMismatch, p.Length, total);
        // Unreachable after the two checks above; kept so the list matches secnet's.
        if (total < ihl * 4) return new(Failure.TotalLengthBelowHeader, total, ihl);
        return new(Failure.None);
    }

    /// <summary>secnet's reason text, e.g. <c>size 22&lt;6*4</c>.</summary>
    public string Reason() => Kind switch
    {
        Failure.TooShort => string.Create(CultureInfo.InvariantCulture, $"len {A}"),
        Failure.Version => string.Create(CultureInfo.InvariantCulture, $"version {A}"),
        Failure.Ihl => string.Create(CultureInfo.InvariantCulture, $"ihl {A}"),
        Failure.ShorterThanHeader => string.Create(CultureInfo.InvariantCulture, $"size {A}<{B}*4"),
        Failure.Checksum => "csum",
        Failure.LengthMismatch => string.Create(CultureInfo.InvariantCulture, $"len {A}!={B}"),
        Failure.TotalLengthBelowHeader => string.Create(CultureInfo.InvariantCulture, $"len {A}<({B}<<2)"),
        _ => "ok",
    };
}
