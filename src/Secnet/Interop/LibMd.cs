using System.Runtime.InteropServices;

namespace Secnet.Interop;

/// <summary>
/// libmd (Debian package libmd0, which libbsd0 already pulls onto nearly every system): the BSD
/// message digests MD5, SHA-1 and SHA-512. secnet hashes a few hundred bytes per key exchange and
/// per key load, nothing per packet. The BCL's hashes would do it too, but on Linux they go through
/// OpenSSL's EVP layer, whose first use loads the provider tables and libssl: 2.2 MB of resident
/// memory (measured with a C program: BIGNUM use alone adds 0.36 MB, one SHA1() or RAND_bytes
/// 1.9-2.0 MB more), a sixth of issue 14's 12 MB idle budget. OpenSSL's BIGNUM stays
/// (<see cref="LibCrypto"/>): its exponentiation is the faster one.
/// </summary>
internal static unsafe partial class LibMd
{
    public const string Lib = "libmd.so.0";

    /// <summary>Room for any of the contexts: MD5_CTX is 88 bytes, SHA1_CTX 96, SHA2_CTX 208
    /// (libmd 1.0's md5.h, sha.h, sha2.h on x86-64; the same layout on arm64).</summary>
    public const int ContextBytes = 256;

    [LibraryImport(Lib, EntryPoint = "MD5Init")]
    public static partial void Md5Init(byte* context);

    [LibraryImport(Lib, EntryPoint = "MD5Update")]
    public static partial void Md5Update(byte* context, byte* data, nuint length);

    [LibraryImport(Lib, EntryPoint = "MD5Final")]
    public static partial void Md5Final(byte* digest, byte* context);

    [LibraryImport(Lib, EntryPoint = "SHA1Init")]
    public static partial void Sha1Init(byte* context);

    [LibraryImport(Lib, EntryPoint = "SHA1Update")]
    public static partial void Sha1Update(byte* context, byte* data, nuint length);

    [LibraryImport(Lib, EntryPoint = "SHA1Final")]
    public static partial void Sha1Final(byte* digest, byte* context);

    [LibraryImport(Lib, EntryPoint = "SHA512Init")]
    public static partial void Sha512Init(byte* context);

    [LibraryImport(Lib, EntryPoint = "SHA512Update")]
    public static partial void Sha512Update(byte* context, byte* data, nuint length);

    [LibraryImport(Lib, EntryPoint = "SHA512Final")]
    public static partial void Sha512Final(byte* digest, byte* context);
}
