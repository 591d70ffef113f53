using System.Buffers.Binary;
using System.Text;

namespace Secnet.Crypto;

/// <summary>Writes the unencrypted SSH-1 private key format that secnet's rsa-private reads.</summary>
public static class Ssh1PrivateKeyWriter
{
    /// <summary>Encodes <paramref name="key"/>; <paramref name="checkBytes"/> are the two
    /// random bytes OpenSSH repeats to detect a wrong passphrase.</summary>
    public static byte[] Encode(Ssh1PrivateKeyComponents key, ReadOnlySpan<byte> checkBytes)
    {
        if (checkBytes.Length != 2)
        {
            throw new ArgumentException("two check bytes are needed", nameof(checkBytes));
        }

        using var stream = new MemoryStream();
        stream.Write(Ssh1PrivateKeyFormat.Magic);
        stream.WriteByte(0); // cipher: none
        WriteUInt32(stream, 0); // reserved
        WriteUInt32(stream, key.KeyBits);
        WriteMpint(stream, key.N);
        WriteMpint(stream, key.E);
        byte[] comment = Encoding.Latin1.GetBytes(key.Comment);
        WriteUInt32(stream, (uint)comment.Length);
        stream.Write(comment);

        long privateStart = stream.Length;
        stream.Write(checkBytes);
        stream.Write(checkBytes);
        WriteMpint(stream, key.D);
        WriteMpint(stream, key.Iqmp);
        WriteMpint(stream, key.Q);
        WriteMpint(stream, key.P);
        // OpenSSH padded the (formerly encryptable) private part to the cipher block size.
        while ((stream.Length - privateStart) % 8 != 0)
        {
            stream.WriteByte(0);
        }

        return stream.ToArray();
    }

    private static void WriteUInt32(Stream stream, uint value)
    {
        Span<byte> buffer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(buffer, value);
        stream.Write(buffer);
    }

    private static void WriteMpint(Stream stream, BigNum value)
    {
        if (value.Sign < 0 || value.BitLength > ushort.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(value), "SSH-1 mpints are non-negative and at most 65535 bits");
        }

        Span<byte> bits = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(bits, (ushort)value.BitLength);
        stream.Write(bits);
        if (!value.IsZero)
        {
            stream.Write(value.ToBigEndian());
        }
    }
}
