using System.Security.Cryptography;
using Secnet.Interop;

namespace Secnet.Crypto;

/// <summary>One-shot MD5, SHA-1 and SHA-512 through libmd; <see cref="LibMd"/> says why not the
/// BCL's. The context is on the stack and erased afterwards: SHA-512 hashes session keys.</summary>
internal static unsafe class MessageDigest
{
    public const int Md5Length = 16;
    public const int Sha1Length = 20;
    public const int Sha512Length = 64;

    public static void Md5(ReadOnlySpan<byte> data, Span<byte> destination) =>
        Digest(data, destination, Md5Length, &LibMd.Md5Init, &LibMd.Md5Update, &LibMd.Md5Final);

    public static void Sha1(ReadOnlySpan<byte> data, Span<byte> destination) =>
        Digest(data, destination, Sha1Length, &LibMd.Sha1Init, &LibMd.Sha1Update, &LibMd.Sha1Final);

    public static void Sha512(ReadOnlySpan<byte> data, Span<byte> destination) =>
        Digest(data, destination, Sha512Length, &LibMd.Sha512Init, &LibMd.Sha512Update, &LibMd.Sha512Final);

    /// <summary>libmd's Init/Update/Final triple for one digest.</summary>
    private static void Digest(ReadOnlySpan<byte> data, Span<byte> destination, int length,
        delegate*<byte*, void> init, delegate*<byte*, byte*, nuint, void> update, delegate*<byte*, byte*, void> final)
    {
        CheckDestination(destination, length);
        byte* context = stackalloc byte[LibMd.ContextBytes];
        fixed (byte* d = data)
        fixed (byte* digest = destination)
        {
            init(context);
            update(context, d, (nuint)data.Length);
            final(digest, context);
        }

        CryptographicOperations.ZeroMemory(new Span<byte>(context, LibMd.ContextBytes));
    }

    private static void CheckDestination(Span<byte> destination, int length)
    {
        if (destination.Length < length)
        {
            throw new ArgumentException($"a {length}-byte digest does not fit in {destination.Length} bytes", nameof(destination));
        }
    }
}
