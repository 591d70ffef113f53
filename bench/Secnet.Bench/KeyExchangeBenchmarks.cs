using BenchmarkDotNet.Attributes;
using Secnet.Crypto;

namespace Secnet.Bench;

/// <summary>
/// The big-number work of one key exchange, per side, with the hub bench's sizes (RFC 3526
/// group 14, 2048-bit RSA): our public value, the shared secret, one signature and one check.
/// 0.6.7 does the same four operations with GMP; bench/hub-bench measures both daemons whole.
/// </summary>
[MemoryDiagnoser]
public class KeyExchangeBenchmarks
{
    internal const string Modp2048 =
        "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA051015728E5A8AACAA68FFFFFFFFFFFFFFFF";

    private DiffieHellmanGroup _group = null!;
    private RsaPrivateKey _key = null!;
    private byte[] _secret = null!;
    private byte[] _peerPublic = null!;
    private byte[] _signature = null!;
    private readonly byte[] _shared = new byte[32];
    private readonly byte[] _message = new byte[300];

    [GlobalSetup]
    public void Setup()
    {
        if (!DiffieHellmanGroup.TryCreate(Modp2048, "2", true, out DiffieHellmanGroup? group, out string? error))
        {
            throw new InvalidOperationException(error);
        }

        _group = group!;
        _secret = new byte[_group.SecretLength];
        Random.Shared.NextBytes(_secret);
        byte[] peerSecret = new byte[_group.SecretLength];
        Random.Shared.NextBytes(peerSecret);
        _peerPublic = _group.MakePublic(peerSecret);
        _key = RsaKeyForBench.Make(2048);
        _signature = _key.Sign(_message);
    }

    [Benchmark]
    public byte[] DhPublic() => _group.MakePublic(_secret);

    [Benchmark]
    public DhPeerValue DhShared() => _group.MakeShared(_secret, _peerPublic, _shared);

    [Benchmark]
    public byte[] RsaSign() => _key.Sign(_message);

    [Benchmark]
    public bool RsaVerify() => _key.PublicKey.Verify(_message, _signature);

    [Benchmark]
    public bool DhPrimality() => DiffieHellmanPrimality.IsProbablePrime(_group.Modulus);
}

/// <summary>A fresh RSA key through the same SSH-1 file path the daemon loads keys by.</summary>
internal static class RsaKeyForBench
{
    public static RsaPrivateKey Make(int bits)
    {
        Ssh1PrivateKeyComponents c = Tools.KeyGen.KeyGenCommand.Generate(bits, "bench");
        byte[] file = Ssh1PrivateKeyWriter.Encode(c, [1, 2]);
        string path = Path.Combine(Path.GetTempPath(), $"secnet-bench-{Guid.NewGuid():N}.key");
        File.WriteAllBytes(path, file);
        try
        {
            if (!Ssh1PrivateKeyFile.TryLoad(path, true, Sha1Hash.Instance, out RsaPrivateKey? key, out string? error))
            {
                throw new InvalidOperationException(error);
            }

            return key!;
        }
        finally
        {
            File.Delete(path);
        }
    }
}
