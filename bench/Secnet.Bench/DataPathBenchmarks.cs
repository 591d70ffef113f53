using BenchmarkDotNet.Attributes;
using Secnet.Packets;
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

/// <summary>
/// Sealing on crypto workers: 64 tun-drain batches of 32 packets of 1400 bytes through alpha's
/// outgoing path, sealed on the packet thread (Workers = 0) or on a pool of worker threads, until
/// the last has left. On an idle machine the time per stream falls with each core the pool gets.
/// </summary>
[MemoryDiagnoser]
public class CryptoWorkerBenchmarks
{
    public const int Batches = 64, Packets = 32, Size = 1400;

    private DataPathRig _rig = null!;
    private CryptoWorkerPool? _pool;

    [Params("eax-serpent", "serpent256-cbc")]
    public string Transform { get; set; } = "eax-serpent";

    [Params(0, 1, 2)]
    public int Workers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        ITransform t = Transform == "eax-serpent"
            ? new EaxSerpentTransform(new EaxSerpentOptions())
            : new Serpent256CbcTransform(new Serpent256CbcOptions());
        _pool = Workers == 0 ? null : new CryptoWorkerPool(Workers);
        _rig = new DataPathRig(t, _pool);
    }

    [GlobalCleanup]
    public void Cleanup() => _pool?.Dispose();

    [Benchmark]
    public void SealStream() => _rig.SealStream(Batches, Packets, Size);
}

