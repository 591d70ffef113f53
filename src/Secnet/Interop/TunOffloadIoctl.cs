namespace Secnet.Interop;

/// <summary>The tun ioctls and flags for virtio headers and offloads (linux/if_tun.h).</summary>
internal static class TunOffloadIoctl
{
    public const short IFF_VNET_HDR = 0x4000;

    /// <summary>_IOW('T', 208, unsigned int).</summary>
    public const nuint TUNSETOFFLOAD = 0x400454d0;
    /// <summary>_IOW('T', 216, int).</summary>
    public const nuint TUNSETVNETHDRSZ = 0x400454d8;

    public const uint TUN_F_CSUM = 0x01;
    public const uint TUN_F_TSO4 = 0x02;
    public const uint TUN_F_TSO6 = 0x04;
    public const uint TUN_F_TSO_ECN = 0x08;
}
