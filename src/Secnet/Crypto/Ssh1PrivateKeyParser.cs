using System.Buffers.Binary;
using System.Text;

namespace Secnet.Crypto;

/// <summary>Reads SSH-1 private key bytes field by field with secnet's checks and error
/// texts (crypto.md §8.2). Never throws on malformed input.</summary>
/// <remarks>Checked against 0.6.7 by truncating a key at every field: a short
/// variable-length field gives "error reading FIELD" (the iqmp field says "decryption key",
/// sic), and so does a zero-length one, because secnet's fread of 0 items "fails". A file
/// ending inside a fixed-size integer makes 0.6.7 print "unexpected end of config file" and
/// exit 2; we say <see cref="TruncatedMessage"/> instead, a normal key-file error.</remarks>
public static class Ssh1PrivateKeyParser
{
    public const string TruncatedMessage = "unexpected end of key file";

    public static bool TryParse(ReadOnlySpan<byte> file, out Ssh1PrivateKeyComponents? key, out string? error)
    {
        key = null;
        var r = new Reader(file);
        ReadOnlySpan<byte> magic = Ssh1PrivateKeyFormat.Magic;
        if (!r.TryTake(magic.Length, out ReadOnlySpan<byte> got) || !got.SequenceEqual(magic))
        {
            error = "failed to read magic ID string from SSH1 private keyfile";
            return false;
        }

        if (!r.TryTake(1, out ReadOnlySpan<byte> cipher) || !r.TryTake(4, out _))
        {
            error = TruncatedMessage;
            return false;
        }

        if (cipher[0] != 0)
        {
            error = "we don't support encrypted keyfiles";
            return false;
        }

        if (!r.TryUInt32(out uint keyBits))
        {
            error = TruncatedMessage;
            return false;
        }

        if (!TryMpint(ref r, "modulus", len => $"implausible length {len} for modulus", out BigNum? n, out error)
            || !TryMpint(ref r, "e", len => $"implausible length {len} for e", out BigNum? e, out error))
        {
            return false;
        }

        if (!r.TryUInt32(out uint commentLength))
        {
            error = TruncatedMessage;
            return false;
        }

        if (commentLength > Ssh1PrivateKeyFormat.MaxCommentLength)
        {
            error = $"implausibly long ({commentLength}) key comment";
            return false;
        }

        // secnet reads the comment with fread(buf, length, 1), which reports failure for
        // length 0, so 0.6.7 rejects an empty comment [verified].
        if (commentLength == 0 || !r.TryTake((int)commentLength, out ReadOnlySpan<byte> commentBytes))
        {
            error = "error reading key comment";
            return false;
        }

        // An unencrypted file repeats two check bytes; a mismatch means the file is
        // damaged or was encrypted after all.
        if (!r.TryTake(4, out ReadOnlySpan<byte> check))
        {
            error = TruncatedMessage;
            return false;
        }

        if (check[0] != check[2] || check[1] != check[3])
        {
            error = "corrupt keyfile";
            return false;
        }

        if (!TryMpint(ref r, "decryption key", len => $"implausibly long ({len}) decryption key", out BigNum? d, out error)
            || !TryMpint(ref r, "decryption key", len => $"implausibly long ({len}) iqmp auxiliary value", out BigNum? iqmp, out error)
            || !TryMpint(ref r, "q value", len => $"implausibly long ({len}) q value", out BigNum? q, out error)
            || !TryMpint(ref r, "p value", len => $"implausibly long ({len}) p value", out BigNum? p, out error))
        {
            return false;
        }

        error = null;
        key = new Ssh1PrivateKeyComponents(keyBits, n!, e!, Encoding.Latin1.GetString(commentBytes), d!, iqmp!, q!, p!);
        return true;
    }

    private static bool TryMpint(ref Reader r, string field, Func<int, string> tooLong, out BigNum? value, out string? error)
    {
        value = null;
        if (!r.TryTake(2, out ReadOnlySpan<byte> bitsField))
        {
            error = TruncatedMessage;
            return false;
        }

        int length = (BinaryPrimitives.ReadUInt16BigEndian(bitsField) + 7) / 8;
        if (length > Ssh1PrivateKeyFormat.MaxMpintBytes)
        {
            error = tooLong(length);
            return false;
        }

        if (length == 0 || !r.TryTake(length, out ReadOnlySpan<byte> magnitude))
        {
            error = $"error reading {field}";
            return false;
        }

        value = BigNum.FromBigEndian(magnitude, secret: true);
        error = null;
        return true;
    }

    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _position;

        public bool TryTake(int count, out ReadOnlySpan<byte> bytes)
        {
            if (count < 0 || _data.Length - _position < count)
            {
                bytes = default;
                return false;
            }

            bytes = _data.Slice(_position, count);
            _position += count;
            return true;
        }

        public bool TryUInt32(out uint value)
        {
            value = 0;
            if (!TryTake(4, out ReadOnlySpan<byte> bytes))
            {
                return false;
            }

            value = BinaryPrimitives.ReadUInt32BigEndian(bytes);
            return true;
        }
    }
}
