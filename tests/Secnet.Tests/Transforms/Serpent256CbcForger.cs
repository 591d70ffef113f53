using System.Buffers.Binary;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;

namespace Secnet.Tests.Transforms;

/// <summary>
/// Independent serpent256-cbc sender on BouncyCastle's TnepresEngine (crypto.md §3.3) that seals a
/// caller-chosen padded plaintext, so tests can present authenticated packets with odd padding.
/// </summary>
internal sealed class Serpent256CbcForger(byte[] key)
{
    public byte[] Seal(uint seq, byte[] content)
    {
        // content = payload || padding, a multiple of 16 minus the 4-byte sequence number.
        var plain = new byte[4 + content.Length];
        BinaryPrimitives.WriteUInt32BigEndian(plain, seq);
        content.CopyTo(plain, 4);
        var mac = new TnepresEngine();
        mac.Init(true, new KeyParameter(key.AsSpan(32, 32).ToArray()));
        var a = new byte[16];
        key.AsSpan(68, 4).CopyTo(a);
        mac.ProcessBlock(a, 0, a, 0);
        for (int i = 0; i < plain.Length; i += 16)
        {
            for (int j = 0; j < 16; j++) a[j] ^= plain[i + j];
            mac.ProcessBlock(a, 0, a, 0);
        }
        mac.ProcessBlock(a, 0, a, 0);
        var body = plain.Concat(a).ToArray();
        var crypt = new TnepresEngine();
        crypt.Init(true, new KeyParameter(key.AsSpan(0, 32).ToArray()));
        var chain = new byte[16];
        key.AsSpan(64, 4).CopyTo(chain);
        crypt.ProcessBlock(chain, 0, chain, 0);
        for (int i = 0; i < body.Length; i += 16)
        {
            for (int j = 0; j < 16; j++) body[i + j] ^= chain[j];
            crypt.ProcessBlock(body, i, body, i);
            Array.Copy(body, i, chain, 0, 16);
        }
        return key.AsSpan(64, 4).ToArray().Concat(body).ToArray();
    }
}
