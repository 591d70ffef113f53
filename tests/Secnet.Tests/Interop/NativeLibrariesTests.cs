using Secnet.Interop;

namespace Secnet.Tests.Interop;

public class NativeLibrariesTests
{
    [Fact]
    public void TheBigNumberLibrariesLoadHere() => Assert.Null(NativeLibraries.FindMissing());

    [Fact]
    public void AMissingLibraryIsNamedWithItsPackage()
    {
        string? problem = NativeLibraries.Probe("libsecnet-absent.so.99", "libsecnet-absent99", "testing");
        Assert.Equal("cannot load libsecnet-absent.so.99 (testing): install Debian's libsecnet-absent99 package", problem);
    }
}
