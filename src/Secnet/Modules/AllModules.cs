namespace Secnet.Modules;

/// <summary>
/// The list of modules. Each concern registers its closures in its own Modules/*Modules.cs file
/// with a static <c>Register(ModuleRegistry)</c>; add one line here per file.
/// </summary>
internal static class AllModules
{
    public static void Register(ModuleRegistry r)
    {
        ArgumentNullException.ThrowIfNull(r);
        BuiltinModules.Register(r);
        NetlinkModules.Register(r);
        SiteModules.Register(r);
        CryptoModules.Register(r);
        PolypathModules.Register(r);
        TransformModules.Register(r);
        DeviceModules.Register(r);
        RuntimeModules.Register(r);
    }
}
