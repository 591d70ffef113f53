using Secnet.Config;
using Secnet.Transforms;

namespace Secnet.Modules;

/// <summary>
/// The transform closures <c>eax-serpent</c> and <c>serpent256-cbc</c> (config.md §4.7, crypto.md
/// §3.1/§4.1). Keys are read in 0.6.7's order with its facilities: capab-num ("transform"), then
/// max-sequence-skew and dedupe (the transform's own facility), then the dedupe/skew conflict
/// ("transform"), then eax's tag length and padding rounding.
/// </summary>
public static class TransformModules
{
    private const string CommonFacility = "transform";
    private const string EaxFacility = "eax-serpent";
    // 0.6.7's facility for serpent256-cbc's skew/dedupe reads is spelled this way (sic).
    private const string CbcKeyFacility = "serpent-cbc256";
    private const string CbcFacility = "serpent256-cbc";
    private const string NotDictionary = "parameter must be a dictionary";
    private const int DefaultSkew = 10;

    public static void Register(ModuleRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register("eax-serpent", EaxSerpent);
        registry.Register("serpent256-cbc", Serpent256Cbc);
    }

    private static IReadOnlyList<Item> EaxSerpent(Invocation inv)
    {
        var reader = inv.DictArgument(EaxFacility, NotDictionary);
        var (capab, skew, dedupe) = ReadCommon(inv, reader.Dict, EaxSerpentDefaults.CapabilityBit, EaxFacility);
        var own = new ArgReader(EaxFacility, inv.Location, reader.Dict);
        int tagLength = own.GetNumber("tag-length-bytes", 16);
        if (tagLength is < 1 or > 16)
            throw inv.Error(EaxFacility, "tag-length-bytes out of range 0..16");
        int rounding = own.GetNumber("padding-rounding", 16);
        if (rounding > 255)
            throw inv.Error(EaxFacility, "padding-round must be 1..128");
        if ((rounding & (rounding - 1)) != 0)
            throw inv.Error(EaxFacility, "padding-round not a power of two");
        var options = new EaxSerpentOptions(skew, dedupe, tagLength, rounding, capab);
        return [new ClosureItem("eax-serpent", ClosureType.Transform, new EaxSerpentTransform(options))];
    }

    private static IReadOnlyList<Item> Serpent256Cbc(Invocation inv)
    {
        var reader = inv.DictArgument(CbcFacility, NotDictionary);
        var (capab, skew, dedupe) = ReadCommon(inv, reader.Dict, Serpent256CbcDefaults.CapabilityBit, CbcKeyFacility);
        var options = new Serpent256CbcOptions(skew, dedupe, capab);
        return [new ClosureItem("serpent256-cbc", ClosureType.Transform, new Serpent256CbcTransform(options))];
    }

    private static (int Capab, uint Skew, bool Dedupe) ReadCommon(Invocation inv, ConfigDict dict, int defaultCapab, string keyFacility)
    {
        int capab = new ArgReader(CommonFacility, inv.Location, dict).GetNumber("capab-num", defaultCapab);
        if (capab > 15)
            throw inv.Error(CommonFacility, "capab-num out of range 0..15");
        var keys = new ArgReader(keyFacility, inv.Location, dict);
        uint skew = (uint)keys.GetNumber("max-sequence-skew", DefaultSkew);
        bool dedupe = keys.GetBoolOr("dedupe", skew < 32);
        if (dedupe && skew >= 32)
            throw inv.Error(CommonFacility, "cannot dedupe with max-sequence-skew>=32");
        return (capab, skew, dedupe);
    }
}
