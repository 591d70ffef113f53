using Secnet.Interop;

namespace Secnet.Crypto;

/// <summary>
/// The kernel's CSPRNG (getrandom(2)) for randomness no configuration names: RSA blinding, DNS
/// query ids, keygen's temporary names. Key exchange uses the configured <c>randomfile</c>, as
/// secnet does. Not the BCL's RandomNumberGenerator: on Linux it is OpenSSL's RAND_bytes, whose
/// first call costs 2 MB of resident memory (<see cref="LibMd"/>).
/// </summary>
internal static unsafe class SystemRandom
{
    public static void Fill(Span<byte> destination)
    {
        fixed (byte* start = destination)
        {
            int done = 0;
            while (done < destination.Length)
            {
                nint got = Libc.GetRandom(start + done, (nuint)(destination.Length - done), 0);
                if (got > 0)
                {
                    done += (int)got;
                }
                else if (got < 0 && Errno.Last != Errno.EINTR)
                {
                    throw new IOException($"getrandom: {Errno.Describe(Errno.Last)}");
                }
            }
        }
    }

    /// <summary>A uniform 16-bit value (a DNS query id).</summary>
    public static ushort UInt16()
    {
        Span<byte> two = stackalloc byte[2];
        Fill(two);
        return (ushort)(two[0] | (two[1] << 8));
    }
}
