using System.Net;

namespace Secnet.Comm;

/// <summary>Outcome of resolving one configured peer address (runtime.md §9).</summary>
/// <param name="Addresses">At most <see cref="IResolver.MaxAddresses"/> addresses.</param>
/// <param name="Total">How many the lookup produced before truncation.</param>
/// <param name="Error">The failure text, or null.</param>
public sealed record ResolveResult(IReadOnlyList<IPAddress> Addresses, int Total, string? Error);

/// <summary>The RESOLVER closure value.</summary>
public interface IResolver
{
    /// <summary>secnet's MAX_PEER_ADDRS.</summary>
    const int MaxAddresses = 5;

    /// <summary>Resolves a DNS name or a <c>[literal]</c>; <paramref name="done"/> runs on the scheduler's owner thread.</summary>
    void Resolve(string name, Action<ResolveResult> done);
}
