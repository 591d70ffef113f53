using Secnet.Fuzz;
using Secnet.Tests.TestSupport;

namespace Secnet.Tests.Fuzz;

/// <summary>
/// Every input in fuzz/corpus (hand-made seeds, inputs AFL found interesting, and each crash once
/// fixed) replayed through the same harness the fuzzer ran, invariants included: a regression
/// in any parser of untrusted bytes shows up here without running a fuzzer.
/// </summary>
public sealed class CorpusReplayTests
{
    public static TheoryData<string> Targets()
    {
        var data = new TheoryData<string>();
        foreach (var name in FuzzTargets.Names) data.Add(name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void CorpusPassesTheHarness(string target)
    {
        var folder = Path.Combine(RepoPaths.Root, "fuzz", "corpus", target);
        var files = Directory.GetFiles(folder).Order(StringComparer.Ordinal).ToArray();
        Assert.NotEmpty(files);
        var harness = FuzzTargets.Create(target);
        var failures = new List<string>();
        foreach (var file in files)
        {
            try
            {
                harness.Run(File.ReadAllBytes(file));
            }
            catch (Exception e)
            {
                failures.Add($"{Path.GetFileName(file)}: {e.GetType().Name}: {e.Message}");
            }
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public void EveryTargetHasACorpus()
    {
        var folders = Directory.GetDirectories(Path.Combine(RepoPaths.Root, "fuzz", "corpus")).Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(FuzzTargets.Names.Order(StringComparer.Ordinal), folders);
    }
}
