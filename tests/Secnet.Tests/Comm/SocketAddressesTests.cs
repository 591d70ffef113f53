using System.Net;
using System.Net.Sockets;
using Secnet.Comm;

namespace Secnet.Tests.Comm;

public sealed class SocketAddressesTests
{
    /// <summary>The send path reads the family from the sockaddr bytes (Linux's AF_INET6 is 10,
    /// .NET's InterNetworkV6 23): it must agree with the runtime's own answer.</summary>
    [Theory]
    [InlineData("192.0.2.1", 4500, AddressFamily.InterNetwork)]
    [InlineData("2001:db8::1", 4500, AddressFamily.InterNetworkV6)]
    [InlineData("::ffff:198.51.100.7", 1, AddressFamily.InterNetworkV6)]
    public void FamilyOfReadsTheSockaddrAsTheRuntimeDoes(string address, int port, AddressFamily expected)
    {
        var sa = new IPEndPoint(IPAddress.Parse(address), port).Serialize();
        Assert.Equal(expected, SocketAddresses.FamilyOf(sa));
        Assert.Equal(sa.Family, SocketAddresses.FamilyOf(sa));
    }

    /// <summary>A reused address whose bytes changed family between datagrams is read afresh.</summary>
    [Fact]
    public void FamilyOfFollowsTheBytesOfAReusedAddress()
    {
        var v6 = new IPEndPoint(IPAddress.Parse("2001:db8::2"), 4500).Serialize();
        var v4 = new IPEndPoint(IPAddress.Parse("203.0.113.9"), 4500).Serialize();
        var reused = new SocketAddress(AddressFamily.InterNetworkV6, v6.Size);
        v4.Buffer.Span[..v4.Size].CopyTo(reused.Buffer.Span);
        reused.Size = v4.Size;
        Assert.Equal(AddressFamily.InterNetwork, SocketAddresses.FamilyOf(reused));
    }
}
