using Secnet.Log;
using Secnet.Runtime;

namespace Secnet.Tests.Runtime;

public class CommandLineParserTests
{
    private static CommandLineResult Parse(params string[] args) => CommandLineParser.Parse(args, "secnet", false);

    private static CommandLine Options(params string[] args)
    {
        var result = Parse(args);
        Assert.False(result.ShouldExit, result.StderrText);
        return result.Options!;
    }

    [Fact]
    public void DefaultsMatchSecnet()
    {
        var o = Options();
        Assert.Equal("/etc/secnet/secnet.conf", o.ConfigPath);
        Assert.Equal("sites", o.SitesKey);
        Assert.Equal(LogClass.Warning | LogClass.Error | LogClass.Security | LogClass.Fatal, o.MessageLevel);
        Assert.False(o.JustCheck || o.NoDetach || o.Managed);
        Assert.True(o.Background);
    }

    [Theory]
    [InlineData(new[] { "-c", "F" }, "F")]
    [InlineData(new[] { "-cF" }, "F")]
    [InlineData(new[] { "--config=F" }, "F")]
    [InlineData(new[] { "--config", "F" }, "F")]
    [InlineData(new[] { "--conf=F" }, "F")]
    [InlineData(new[] { "--c", "F" }, "F")]
    [InlineData(new[] { "-jcF" }, "F")]
    [InlineData(new[] { "-c", "-" }, "-")]
    [InlineData(new[] { "-c", "-n" }, "-n")]
    [InlineData(new[] { "--config=" }, "")]
    public void ConfigPathForms(string[] args, string expected) => Assert.Equal(expected, Options(args).ConfigPath);

    [Fact]
    public void ShortOptionsBundle()
    {
        var o = Options("-nj", "-m");
        Assert.True(o.NoDetach);
        Assert.True(o.JustCheck);
        Assert.True(o.Managed);
        Assert.False(o.Background);
    }

    [Theory]
    [InlineData(new[] { "-s", "k" }, "k")]
    [InlineData(new[] { "-sk" }, "k")]
    [InlineData(new[] { "--sites-key=k" }, "k")]
    [InlineData(new[] { "--sites=k" }, "k")]
    public void SitesKeyForms(string[] args, string expected) => Assert.Equal(expected, Options(args).SitesKey);

    [Theory]
    [InlineData(new[] { "-v" }, LogClass.Verbose)]
    [InlineData(new[] { "-d" }, LogClass.Verbose | LogClass.AllDebug)]
    [InlineData(new[] { "-f" }, LogClass.Fatal)]
    [InlineData(new[] { "--quiet" }, LogClass.Fatal)]
    [InlineData(new[] { "--silent" }, LogClass.Fatal)]
    [InlineData(new[] { "-w" }, LogClass.Error | LogClass.Security | LogClass.Fatal)]
    [InlineData(new[] { "-f", "-v" }, LogClass.Verbose)]
    [InlineData(new[] { "-v", "-f" }, LogClass.Fatal)]
    [InlineData(new[] { "-v", "-w" }, LogClass.Info | LogClass.Notice | LogClass.Error | LogClass.Security | LogClass.Fatal)]
    [InlineData(new[] { "-w", "-v" }, LogClass.Verbose)]
    [InlineData(new[] { "-fd" }, LogClass.Verbose | LogClass.AllDebug)]
    public void LevelOptionsApplyInOrder(string[] args, LogClass expected) =>
        Assert.Equal(expected, Options(args).MessageLevel);

    [Theory]
    [InlineData(new[] { "-x" }, "secnet: invalid option -- 'x'\n")]
    [InlineData(new[] { "-W", "foo" }, "secnet: invalid option -- 'W'\n")]
    [InlineData(new[] { "--bogus" }, "secnet: unrecognized option '--bogus'\n")]
    [InlineData(new[] { "--bogus=1" }, "secnet: unrecognized option '--bogus'\n")]
    [InlineData(new[] { "-c" }, "secnet: option requires an argument -- 'c'\n")]
    [InlineData(new[] { "-t" }, "secnet: option requires an argument -- 't'\n")]
    [InlineData(new[] { "-nc" }, "secnet: option requires an argument -- 'c'\n")]
    [InlineData(new[] { "--config" }, "secnet: option '--config' requires an argument\n")]
    [InlineData(new[] { "--s" }, "secnet: option '--s' is ambiguous; possibilities: '--silent' '--sites-key'\n")]
    [InlineData(new[] { "--si" }, "secnet: option '--si' is ambiguous; possibilities: '--silent' '--sites-key'\n")]
    [InlineData(new[] { "--n" }, "secnet: option '--n' is ambiguous; possibilities: '--nowarnings' '--nodetach'\n")]
    [InlineData(new[] { "--ver" }, "secnet: option '--ver' is ambiguous; possibilities: '--verbose' '--version'\n")]
    [InlineData(new[] { "--verb=3" }, "secnet: option '--verbose' doesn't allow an argument\n")]
    [InlineData(new[] { "--help=3" }, "secnet: option '--help' doesn't allow an argument\n")]
    [InlineData(new[] { "-x", "--help" }, "secnet: invalid option -- 'x'\n")]
    public void GetoptErrorsExitOne(string[] args, string expected)
    {
        var result = Parse(args);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal(expected, result.StderrText);
        Assert.Equal("", result.StdoutText);
    }

    [Fact]
    public void ErrorsNameTheProgramAsInvoked()
    {
        var result = CommandLineParser.Parse(["-x"], "/usr/sbin/secnet", false);
        Assert.Equal("/usr/sbin/secnet: invalid option -- 'x'\n", result.StderrText);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("--he")]
    [InlineData("--h")]
    public void HelpPrintsUsageAndExitsZero(string arg)
    {
        var result = Parse(arg, "-x");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(CommandLineParser.HelpText, result.StdoutText);
        Assert.StartsWith("Usage: secnet [OPTION]...\n\n  -f, --silent, --quiet   suppress error messages\n", result.StdoutText);
        Assert.EndsWith("      --version           output version information and exit\n", result.StdoutText);
    }

    [Fact]
    public void VersionNamesTheProtocolReleaseAndOurs()
    {
        var result = Parse("-c/nonexist", "--version");
        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"^secnet 0\.6\.7-cs \d+\.\d+\.\d+\n$", result.StdoutText);
    }

    [Theory]
    [InlineData("extra")]
    [InlineData("-")]
    [InlineData("--", "-j")]
    public void ExtraParametersWarnAndContinue(params string[] args)
    {
        var result = Parse(args);
        Assert.False(result.ShouldExit);
        Assert.Equal(["secnet: You gave extra command line parameters, which were ignored."], result.Warnings);
    }

    [Fact]
    public void OptionsAfterNonOptionsAreStillParsed()
    {
        var result = Parse("extra", "-j");
        Assert.True(result.Options!.JustCheck);
        Assert.Single(result.Warnings);
    }

    [Fact]
    public void PosixlyCorrectStopsAtFirstNonOption()
    {
        var result = CommandLineParser.Parse(["extra", "-j"], "secnet", true);
        Assert.False(result.Options!.JustCheck);
        Assert.Single(result.Warnings);
    }

    [Fact]
    public void DoubleDashEndsOptions()
    {
        var result = Parse("--", "-j");
        Assert.False(result.Options!.JustCheck);
    }

    [Fact]
    public void TOptionIsAcceptedButUnimplemented()
    {
        var result = Parse("-tX", "-j");
        Assert.False(result.ShouldExit);
        Assert.True(result.Options!.JustCheck);
        Assert.Equal(["secnet: Unknown getopt code t"], result.Warnings);
    }
}
