using BenchmarkDotNet.Attributes;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;
using Secnet.Crypto;
using Secnet.Packets;
using Secnet.Transforms;

namespace Secnet.Bench;

/// <summary>Serpent throughput on 64 blocks (1 KiB): one block at a time versus the SIMD multi-block path.</summary>
[MemoryDiagnoser]
public class SerpentBlockBenchmarks
{
    private readonly byte[] _data = new byte[1024];
    private Serpent _serpent = null!;
    private SerpentEngine _bc = null!;

    [GlobalSetup]
    public void Setup()
    {
        var key = new byte[32];
        new Random(1).NextBytes(key);
        _serpent = new Serpent(key, SerpentByteOrder.Standard);
        _bc = new SerpentEngine();
        _bc.Init(true, new KeyParameter(key));
    }

    [Benchmark(Baseline = true)]
    public void Scalar() => _serpent.BlocksScalar(_data, _data, encrypt: true);

    [Benchmark]
    public void Simd() => _serpent.EncryptBlocks(_data, _data);

    [Benchmark]
    public void BouncyCastle()
    {
        for (int i = 0; i < _data.Length; i += 16)
            _bc.ProcessBlock(_data, i, _data, i);
    }
}

/// <summary>Each transform's Forward (seal) and Reverse (open + sequence check) per packet size,
/// against BouncyCastle's EAX over Serpent doing the same amount of crypto.</summary>
[MemoryDiagnoser]
public class TransformBenchmarks
{
    [Params(64, 576, 1400)]
    public int Size { get; set; }

    private byte[] _payload = null!;
    private PacketBuffer _packet = null!;
    private ITransformInstance _eaxSender = null!, _eaxReceiver = null!, _cbcSender = null!, _cbcReceiver = null!;
    private EaxBlockCipher _bcEax = null!;
    private byte[] _bcOut = null!;
    private byte[] _bcKey = null!;
    private readonly byte[] _nonce = new byte[5];
    private uint _nonceCounter;

    [GlobalSetup]
    public void Setup()
    {
        _payload = new byte[Size];
        new Random(2).NextBytes(_payload);
        _packet = new PacketBuffer(4096);
        var key = new byte[128];
        new Random(3).NextBytes(key);
        var eax = new EaxSerpentTransform(new EaxSerpentOptions(MaxSequenceSkew: 10, Dedupe: false));
        _eaxSender = eax.CreateInstance();
        _eaxReceiver = eax.CreateInstance();
        _eaxSender.SetKey(key, false);
        _eaxReceiver.SetKey(key, true);
        var cbc = new Serpent256CbcTransform(new Serpent256CbcOptions(MaxSequenceSkew: 10, Dedupe: false));
        _cbcSender = cbc.CreateInstance();
        _cbcReceiver = cbc.CreateInstance();
        _cbcSender.SetKey(key.AsSpan(0, 76), false);
        _cbcReceiver.SetKey(key.AsSpan(0, 76), true);
        _bcKey = key[..32];
        _bcEax = new EaxBlockCipher(new SerpentEngine());
        _bcOut = new byte[Size + 64];
        // Keyed once: later Inits pass a null key, which BouncyCastle takes as "same key".
        _bcEax.Init(true, new AeadParameters(new KeyParameter(_bcKey), 128, _nonce));
        _bcSealed = new byte[Size + 16];
        int n = _bcEax.ProcessBytes(_payload, 0, _payload.Length, _bcSealed, 0);
        _bcEax.DoFinal(_bcSealed, n);
        _bcDecryptor = new EaxBlockCipher(new SerpentEngine());
        _bcDecryptor.Init(false, new AeadParameters(new KeyParameter(_bcKey), 128, _nonce));

        _packet.CopyFrom(_payload);
        _eaxSender.Forward(_packet);
        _eaxWire = _packet.Data.ToArray();
        _packet.CopyFrom(_payload);
        _cbcSender.Forward(_packet);
        _cbcWire = _packet.Data.ToArray();
    }

    private byte[] _bcSealed = null!;
    private EaxBlockCipher _bcDecryptor = null!;
    private byte[] _eaxWire = null!;
    private byte[] _cbcWire = null!;

    /// <summary>Open + sequence check of one sealed packet (dedupe is off, so the same one is accepted again).</summary>
    [Benchmark]
    public int EaxReverse()
    {
        _packet.CopyFrom(_eaxWire);
        _eaxReceiver.Reverse(_packet, out _);
        return _packet.Length;
    }

    [Benchmark]
    public int CbcReverse()
    {
        _packet.CopyFrom(_cbcWire);
        _cbcReceiver.Reverse(_packet, out _);
        return _packet.Length;
    }

    [Benchmark]
    public int BouncyCastleEaxDecrypt()
    {
        _bcDecryptor.Init(false, new AeadParameters(null, 128, _nonceFixed));
        int n = _bcDecryptor.ProcessBytes(_bcSealed, 0, _bcSealed.Length, _bcOut, 0);
        return n + _bcDecryptor.DoFinal(_bcOut, n);
    }

    private readonly byte[] _nonceFixed = new byte[5];

    [Benchmark]
    public int EaxForward()
    {
        _packet.CopyFrom(_payload);
        _eaxSender.Forward(_packet);
        return _packet.Length;
    }

    [Benchmark]
    public int EaxForwardReverse()
    {
        _packet.CopyFrom(_payload);
        _eaxSender.Forward(_packet);
        _eaxReceiver.Reverse(_packet, out _);
        return _packet.Length;
    }

    [Benchmark]
    public int CbcForward()
    {
        _packet.CopyFrom(_payload);
        _cbcSender.Forward(_packet);
        return _packet.Length;
    }

    [Benchmark]
    public int CbcForwardReverse()
    {
        _packet.CopyFrom(_payload);
        _cbcSender.Forward(_packet);
        _cbcReceiver.Reverse(_packet, out _);
        return _packet.Length;
    }

    /// <summary>BouncyCastle EAX-Serpent encrypting the same bytes (what "EaxForward" does, minus framing).</summary>
    [Benchmark]
    public int BouncyCastleEaxEncrypt()
    {
        // BouncyCastle refuses to re-use a nonce, and secnet's changes per packet anyway.
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(_nonce, ++_nonceCounter);
        _bcEax.Init(true, new AeadParameters(null, 128, _nonce));
        int n = _bcEax.ProcessBytes(_payload, 0, _payload.Length, _bcOut, 0);
        return n + _bcEax.DoFinal(_bcOut, n);
    }
}
