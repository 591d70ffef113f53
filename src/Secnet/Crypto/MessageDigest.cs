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

    public static void Md5(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        CheckDestination(destination, Md5Length);
        byte* context = stackalloc byte[LibMd.ContextBytes];
        fixed (byte* d = data)
        fixed (byte* digest = destination)
        {
            LibMd.Md5Init(context);
            LibMd.Md5Update(context, d, (nuint)data.Length);
            LibMd.Md5Final(digest, context);
        }

        CryptographicOperations.ZeroMemory(new Span<byte>(context, LibMd.ContextBytes));
    }

    public static void Sha1(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        CheckDestination(destination, Sha1Length);
        byte* context = stackalloc byte[LibMd.ContextBytes];
        fixed (byte* d = data)
        fixed (byte* digest = destination)
        {
            LibMd.Sha1Init(context);
            LibMd.Sha1Update(context, d, (nuint)data.Length);
            LibMd.Sha1Final(digest, context);
        }

        CryptographicOperations.ZeroMemory(new Span<byte>(context, LibMd.ContextBytes));
    }

    public static void Sha512(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        CheckDestination(destination, Sha512Length);
        byte* context = stackalloc byte[LibMd.ContextBytes];
        fixed (byte* d = data)
        fixed (byte* digest = destination)
        {
            LibMd.Sha512Init(context);
            LibMd.Sha512Update(context, d, (nuint)data.Length);
            LibMd.Sha512Final(digest, context);
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
