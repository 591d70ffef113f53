namespace Secnet.Runtime;

/// <summary>
/// Features that only work while secnet keeps root (netlink soft routes) register here during
/// configuration; SETUP refuses a <c>userid</c> that would take root away from them.
/// </summary>
public sealed class RootRequirements
{
    private readonly List<string> _features = [];

    public IReadOnlyList<string> Features => _features;

    /// <summary>Records that <paramref name="feature"/> (e.g. "netlink: soft routes") needs root.</summary>
    public void Require(string feature)
    {
        lock (_features)
        {
            if (!_features.Contains(feature))
                _features.Add(feature);
        }
    }

    /// <summary>Fatal when a feature needs root and the configured user is not uid 0.</summary>
    public void Check(UserAccount? user)
    {
        if (user is null || user.Uid == 0)
            return;
        lock (_features)
        {
            if (_features.Count > 0)
                throw new SecnetFatalException(
                    $"the configured feature \"{_features[0]}\" requires that secnet retain root privileges while running.");
        }
    }
}
