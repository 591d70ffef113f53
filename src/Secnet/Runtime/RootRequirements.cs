namespace Secnet.Runtime;

/// <summary>
/// The SETUP check of features that only work while secnet keeps root (netlink soft routes, which
/// modules record in <c>ModuleContext.RootRequiredFeatures</c>) against <c>system/userid</c>.
/// </summary>
public static class RootRequirements
{
    /// <summary>Fatal when a feature needs root and the configured user is not uid 0.</summary>
    public static void Check(IReadOnlyList<string> features, UserAccount? user)
    {
        if (user is null || user.Uid == 0 || features.Count == 0)
            return;
        throw new SecnetFatalException(
            $"the configured feature \"{features[0]}\" requires that secnet retain root privileges while running.");
    }
}
