using System.Diagnostics;
using System.Text;
using Secnet.Tests.TestSupport;

namespace Secnet.Tests.Crypto;

/// <summary>SerpentKernels.cs is generated; a hand edit, or a generator change whose output was not
/// committed, would leave the two disagreeing, so the test run regenerates it and compares bytes.</summary>
public class SerpentKernelsGeneratedTests
{
    private static readonly string CryptoFolder = Path.Combine(RepoPaths.Root, "src", "Secnet", "Crypto");

    [Fact]
    public async Task CommittedKernelsAreExactlyWhatTheGeneratorWrites()
    {
        var committed = await File.ReadAllBytesAsync(Path.Combine(CryptoFolder, "SerpentKernels.cs"));
        var generated = await RunGenerator();
        var difference = FirstDifference(committed, generated);
        Assert.True(difference is null,
            "SerpentKernels.cs differs from the output of `python3 src/Secnet/Crypto/SerpentKernelGen.py`; "
            + $"regenerate it (python3 SerpentKernelGen.py > SerpentKernels.cs). {difference}");
    }

    [Theory]
    [InlineData("a\nb\nc\n", "a\nb\nc\n", null)]
    [InlineData("a\nb\nc\n", "a\nB\nc\n", "First difference at line 2: committed \"b\", generated \"B\".")]
    [InlineData("a\nb\n", "a\nb\nc\n", "First difference at line 3: committed (end of file), generated \"c\".")]
    [InlineData("a\nb", "a\nb\n", "The files differ only in their final line ending.")]
    public void FirstDifferenceNamesTheFirstDifferingLine(string committed, string generated, string? expected) =>
        Assert.Equal(expected, FirstDifference(Encoding.UTF8.GetBytes(committed), Encoding.UTF8.GetBytes(generated)));

    private static async Task<byte[]> RunGenerator()
    {
        var start = new ProcessStartInfo("python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(CryptoFolder, "SerpentKernelGen.py"));
        using var python = Process.Start(start) ?? throw new InvalidOperationException("cannot start python3");
        // Both pipes are drained at once, so a chatty stderr cannot stall the generator.
        var errors = python.StandardError.ReadToEndAsync();
        using var output = new MemoryStream();
        await python.StandardOutput.BaseStream.CopyToAsync(output);
        await python.WaitForExitAsync();
        Assert.True(python.ExitCode == 0, $"SerpentKernelGen.py exited with {python.ExitCode}: {await errors}");
        return output.ToArray();
    }

    /// <summary>Null when the two are byte-for-byte equal, else which line differs first and how.</summary>
    internal static string? FirstDifference(byte[] committed, byte[] generated)
    {
        if (committed.AsSpan().SequenceEqual(generated)) return null;
        var committedLines = Lines(committed);
        var generatedLines = Lines(generated);
        for (var i = 0; i < Math.Max(committedLines.Length, generatedLines.Length); i++)
        {
            var c = i < committedLines.Length ? committedLines[i] : null;
            var g = i < generatedLines.Length ? generatedLines[i] : null;
            if (c != g) return $"First difference at line {i + 1}: committed {Show(c)}, generated {Show(g)}.";
        }
        return "The files differ only in their final line ending.";
    }

    /// <summary>The lines of a text, a final newline ending the last line rather than starting another.</summary>
    private static string[] Lines(byte[] text)
    {
        var lines = Encoding.UTF8.GetString(text).Split('\n');
        return lines[^1].Length == 0 ? lines[..^1] : lines;
    }

    private static string Show(string? line) => line is null ? "(end of file)" : $"\"{line}\"";
}
