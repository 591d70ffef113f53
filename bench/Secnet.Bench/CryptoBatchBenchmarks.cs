using BenchmarkDotNet.Attributes;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;
using Secnet.Packets;
using Secnet.Transforms;

namespace Secnet.Bench;

/// <summary>
/// Eight packets sealed/opened one call each versus one SealBatch/OpenBatch call (packets side by side
/// in SIMD lanes). Times are per packet (OperationsPerInvoke = 8); BouncyCastle's EAX-Serpent on the
/// same bytes is the outside reference.
/// </summary>
[MemoryDiagnoser]
public class CryptoBatchBenchmarks
{
    private const int Batch = 8;

    [Params(64, 576, 1400)]
    public int Size { get; set; }

    [Params("eax-serpent", "serpent256-cbc")]
    public string Transform { get; set; } = "";

    private readonly PacketBuffer[] _packets = new PacketBuffer[Batch];
    private readonly byte[][] _wire = new byte[Batch][];
    private readonly uint[] _sequences = new uint[Batch];
    private readonly TransformResult[] _results = new TransformResult[Batch];
    private readonly string?[] _errors = new string?[Batch];
    private byte[] _payload = null!;
    private ITransformInstance _sender = null!, _receiver = null!;
    private EaxBlockCipher _bc = null!;
    private byte[] _bcOut = null!;
    private readonly byte[] _nonce = new byte[5];
    private uint _nonceCounter;

    [GlobalSetup]
    public void Setup()
    {
        _payload = new byte[Size];
        new Random(2).NextBytes(_payload);
        var key = new byte[128];
        new Random(3).NextBytes(key);
        ITransform t = Transform == "eax-serpent"
            ? new EaxSerpentTransform(new EaxSerpentOptions(MaxSequenceSkew: 10, Dedupe: false))
            : new Serpent256CbcTransform(new Serpent256CbcOptions(MaxSequenceSkew: 10, Dedupe: false));
        _sender = t.CreateInstance();
        _receiver = t.CreateInstance();
        _sender.SetKey(key, false);
        _receiver.SetKey(key, true);
        for (int i = 0; i < Batch; i++)
        {
            _packets[i] = new PacketBuffer(4096);
            _packets[i].CopyFrom(_payload);
            _sender.Seal(_packets[i], (uint)i);
            _wire[i] = _packets[i].Data.ToArray();
        }
        _bc = new EaxBlockCipher(new SerpentEngine());
        _bc.Init(true, new AeadParameters(new KeyParameter(key[..32]), 128, _nonce));
        _bcOut = new byte[Size + 64];
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public TransformResult SealOneByOne()
    {
        for (int i = 0; i < Batch; i++)
        {
            _packets[i].CopyFrom(_payload);
            _results[i] = _sender.Seal(_packets[i], (uint)i);
        }
        return _results[0];
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public TransformResult SealBatch8()
    {
        for (int i = 0; i < Batch; i++)
        {
            _packets[i].CopyFrom(_payload);
            _sequences[i] = (uint)i;
        }
        _sender.SealBatch(_packets, _sequences, _results);
        return _results[0];
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public TransformResult OpenOneByOne()
    {
        for (int i = 0; i < Batch; i++)
        {
            _packets[i].CopyFrom(_wire[i]);
            _results[i] = _receiver.Open(_packets[i], out _sequences[i], out _errors[i]);
        }
        return _results[0];
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public TransformResult OpenBatch8()
    {
        for (int i = 0; i < Batch; i++)
            _packets[i].CopyFrom(_wire[i]);
        _receiver.OpenBatch(_packets, _sequences, _results, _errors);
        return _results[0];
    }

    /// <summary>BouncyCastle EAX-Serpent encrypting the same payload, per packet (keyed once; null key = reuse).</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public int BouncyCastleEaxSeal()
    {
        int n = 0;
        for (int i = 0; i < Batch; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(_nonce, ++_nonceCounter);
            _bc.Init(true, new AeadParameters(null, 128, _nonce));
            n = _bc.ProcessBytes(_payload, 0, _payload.Length, _bcOut, 0);
            n += _bc.DoFinal(_bcOut, n);
        }
        return n;
    }
}
