using System.Security.Cryptography;
using Secnet.Crypto;

namespace Secnet.Tools.KeyGen;

/// <summary><c>secnet-keygen</c>: makes a new RSA key in the SSH-1 file format secnet's
/// <c>rsa-private</c> reads (modern ssh-keygen no longer writes it).</summary>
public static class KeyGenCommand
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (!KeyGenOptions.TryParse(args ?? [], out KeyGenOptions? options, out string? error))
        {
            if (error is null)
            {
                stdout.Write(KeyGenOptions.Usage);
                return 0;
            }

            stderr.WriteLine($"secnet-keygen: {error}");
            stderr.Write(KeyGenOptions.Usage);
            return 1;
        }

        if (Interop.NativeLibraries.FindMissing() is { } missing)
        {
            stderr.WriteLine($"secnet-keygen: {missing.Replace("\n", "\nsecnet-keygen: ", StringComparison.Ordinal)}");
            return 1;
        }

        string pubFile = options!.File + ".pub";
        if (!options.Overwrite && (KeyFileWriter.Occupied(options.File) || KeyFileWriter.Occupied(pubFile)))
        {
            stderr.WriteLine($"secnet-keygen: {options.File} or {pubFile} already exists (use -y to overwrite)");
            return 1;
        }

        Ssh1PrivateKeyComponents key = Generate(options.Bits, options.Comment);
        Span<byte> check = stackalloc byte[2];
        SystemRandom.Fill(check);
        byte[] encoded = Ssh1PrivateKeyWriter.Encode(key, check);
        string publicLine = $"{key.N.BitLength} {key.E} {key.N} {key.Comment}";
        try
        {
            const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            const UnixFileMode Public = Private | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
            if (!KeyFileWriter.TryWrite(options.File, encoded, Private, options.Overwrite, out var problem)
                || !KeyFileWriter.TryWrite(pubFile, System.Text.Encoding.UTF8.GetBytes(publicLine + "\n"), Public, options.Overwrite, out problem))
            {
                stderr.WriteLine($"secnet-keygen: cannot write key: {problem}");
                return 1;
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(encoded);
        }

        stdout.WriteLine(publicLine);
        stdout.WriteLine($"rsa-public(\"{key.E}\",\"{key.N}\");");
        if (options.Group is uint group)
        {
            stdout.WriteLine($"pkg {group:x8}");
        }

        stdout.WriteLine($"pub rsa1 {PublicKeyData(key)}");
        return 0;
    }

    /// <summary>The sites file's <c>pub rsa1</c> data: base91s of "BITS E N", the form
    /// make-secnet-sites writes into key-set files (it drops a comment).</summary>
    internal static string PublicKeyData(Ssh1PrivateKeyComponents key) =>
        Base91s.Encode(System.Text.Encoding.ASCII.GetBytes($"{key.N.BitLength} {key.E} {key.N}"));

    /// <summary>A fresh key from the platform RSA, laid out as the SSH-1 file expects:
    /// p the larger prime, iqmp = q⁻¹ mod p.</summary>
    internal static Ssh1PrivateKeyComponents Generate(int bits, string comment)
    {
        RSAParameters parameters;
        using (RSA rsa = RSA.Create(bits))
        {
            parameters = rsa.ExportParameters(includePrivateParameters: true);
        }

        try
        {
            BigNum n = Unsigned(parameters.Modulus, secret: false);
            BigNum e = Unsigned(parameters.Exponent, secret: false);
            BigNum d = Unsigned(parameters.D, secret: true);
            BigNum p = Unsigned(parameters.P, secret: true);
            BigNum q = Unsigned(parameters.Q, secret: true);
            if (p.CompareTo(q) < 0)
            {
                (p, q) = (q, p);
            }

            BigNum iqmp = q.ModInverse(p) ?? throw new CryptographicException("RSA key export gave primes with no inverse");
            return new Ssh1PrivateKeyComponents((uint)n.BitLength, n, e, comment, d, iqmp, q, p);
        }
        finally
        {
            Clear(parameters.D, parameters.P, parameters.Q, parameters.DP, parameters.DQ, parameters.InverseQ);
        }
    }

    private static BigNum Unsigned(byte[]? bigEndian, bool secret) =>
        BigNum.FromBigEndian(bigEndian ?? throw new CryptographicException("RSA key export is incomplete"), secret);

    private static void Clear(params byte[]?[] buffers)
    {
        foreach (byte[]? buffer in buffers)
        {
            if (buffer is not null)
            {
                CryptographicOperations.ZeroMemory(buffer);
            }
        }
    }
}
