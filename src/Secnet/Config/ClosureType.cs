namespace Secnet.Config;

/// <summary>secnet's closure types; numeric values are secnet's (10 is unused).
/// Names as printed in messages come from <see cref="ClosureTypeNames"/>.</summary>
public enum ClosureType
{
    Pure = 0,
    Resolver = 1,
    RandomSrc = 2,
    SigPubKey = 3,
    SigPrivKey = 4,
    Comm = 5,
    Ipif = 6,
    Log = 7,
    Site = 8,
    Transform = 9,
    Dh = 11,
    Hash = 12,
    Buffer = 13,
    Netlink = 14,
    PrivCache = 15,
}

public static class ClosureTypeNames
{
    /// <summary>The upper-case name 0.6.7 prints, e.g. "SIGPUBKEY".</summary>
    public static string Name(this ClosureType t) => t switch
    {
        ClosureType.Pure => "PURE",
        ClosureType.Resolver => "RESOLVER",
        ClosureType.RandomSrc => "RANDOMSRC",
        ClosureType.SigPubKey => "SIGPUBKEY",
        ClosureType.SigPrivKey => "SIGPRIVKEY",
        ClosureType.Comm => "COMM",
        ClosureType.Ipif => "IPIF",
        ClosureType.Log => "LOG",
        ClosureType.Site => "SITE",
        ClosureType.Transform => "TRANSFORM",
        ClosureType.Dh => "DH",
        ClosureType.Hash => "HASH",
        ClosureType.Buffer => "BUFFER",
        ClosureType.Netlink => "NETLINK",
        ClosureType.PrivCache => "PRIVCACHE",
        _ => ((int)t).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
