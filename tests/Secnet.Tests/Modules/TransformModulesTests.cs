using System.Text;
using Secnet.Config;
using Secnet.Modules;
using Secnet.Tests.Netlink;
using Secnet.Transforms;

namespace Secnet.Tests.Modules;

public sealed class TransformModulesTests
{
    private static ConfigDict Load(string text)
    {
        var registry = new ModuleRegistry();
        BuiltinModules.Register(registry);
        TransformModules.Register(registry);
        return ConfigLoader.LoadBytes("t.conf", Encoding.UTF8.GetBytes(text), registry, new ModuleContext(new CapturingLog(), true));
    }

    private static T Transform<T>(string text) where T : class =>
        Assert.IsType<T>(Assert.IsType<ClosureItem>(Assert.Single(Load(text).Find("t")!.Value)).Value);

    private static string ConfigError(string text) => Assert.Throws<ConfigException>(() => Load(text)).Message;

    [Fact]
    public void DefaultsFollowTheSpec()
    {
        var eax = Transform<EaxSerpentTransform>("t eax-serpent({});");
        Assert.Equal(new EaxSerpentOptions(10, true, 16, 16, 9), eax.Options);
        Assert.Equal(9, eax.CapabilityBit);
        var cbc = Transform<Serpent256CbcTransform>("t serpent256-cbc({});");
        Assert.Equal(new Serpent256CbcOptions(10, true, 8), cbc.Options);
        Assert.Equal(76, cbc.KeyLength);
    }

    [Fact]
    public void ExplicitValuesAreUsed()
    {
        var eax = Transform<EaxSerpentTransform>(
            "t eax-serpent({ max-sequence-skew 40; tag-length-bytes 8; padding-rounding 0; capab-num 3; });");
        Assert.Equal(new EaxSerpentOptions(40, false, 8, 0, 3), eax.Options);
        Assert.Equal(1, eax.Options.EffectivePaddingRounding);
        var cbc = Transform<Serpent256CbcTransform>("t serpent256-cbc({ max-sequence-skew 5; dedupe False; });");
        Assert.Equal(new Serpent256CbcOptions(5, false, 8), cbc.Options);
    }

    [Theory]
    [InlineData("t eax-serpent(1);", "config error (eax-serpent, t.conf:1): parameter must be a dictionary")]
    [InlineData("t serpent256-cbc(\"x\");", "config error (serpent256-cbc, t.conf:1): parameter must be a dictionary")]
    [InlineData("t eax-serpent({ capab-num 16; });", "config error (transform, t.conf:1): capab-num out of range 0..15")]
    [InlineData("t serpent256-cbc({ capab-num \"x\"; });", "config error (transform, t.conf:1): \"capab-num\" must be a number")]
    [InlineData("t eax-serpent({ max-sequence-skew \"x\"; });", "config error (eax-serpent, t.conf:1): \"max-sequence-skew\" must be a number")]
    [InlineData("t serpent256-cbc({ dedupe 1; });", "config error (serpent-cbc256, t.conf:1): \"dedupe\" must be a boolean")]
    [InlineData("t eax-serpent({ max-sequence-skew 32; dedupe True; tag-length-bytes 17; });", "config error (transform, t.conf:1): cannot dedupe with max-sequence-skew>=32")]
    [InlineData("t eax-serpent({ tag-length-bytes 0; });", "config error (eax-serpent, t.conf:1): tag-length-bytes out of range 0..16")]
    [InlineData("t eax-serpent({ tag-length-bytes 17; });", "config error (eax-serpent, t.conf:1): tag-length-bytes out of range 0..16")]
    [InlineData("t eax-serpent({ padding-rounding 3; });", "config error (eax-serpent, t.conf:1): padding-round not a power of two")]
    [InlineData("t eax-serpent({ padding-rounding 256; });", "config error (eax-serpent, t.conf:1): padding-round must be 1..128")]
    public void ErrorsUseSecnetsTextsAndFacilities(string text, string expected) => Assert.Equal(expected, ConfigError(text));
}
