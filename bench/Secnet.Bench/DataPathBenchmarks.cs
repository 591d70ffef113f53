using BenchmarkDotNet.Attributes;
using Secnet.Transforms;

namespace Secnet.Bench;

/// <summary>
/// The site data path end to end in process (<see cref="DataPathRig"/>): a batch of packets from
/// alpha's tunnel endpoint to bravo's netlink, per transform, batch size and packet size. The
/// memory diagnoser's "Allocated" column is the zero-allocation check: it must read "-" (0 B).
/// </summary>
[MemoryDiagnoser]
public class DataPathBenchmarks
{
    private DataPathRig _rig = null!;

    [Params("eax-serpent", "serpent256-cbc")]
    public string Transform { get; set; } = "eax-serpent";

    [Params(1, 8, 32)]
    public int Batch { get; set; }

    [Params(1400)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        ITransform t = Transform == "eax-serpent"
            ? new EaxSerpentTransform(new EaxSerpentOptions())
            : new Serpent256CbcTransform(new Serpent256CbcOptions());
        _rig = new DataPathRig(t);
    }

    [Benchmark]
    public void AlphaToBravo() => _rig.Send(_rig.Alpha, Batch, Size);
}
