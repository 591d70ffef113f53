using Secnet.Comm;

namespace Secnet.Tests.Comm;

/// <summary>The control-message bytes the kernel reads (UDP_SEGMENT) and writes (UDP_GRO), as
/// laid out by CMSG_LEN/CMSG_SPACE on 64-bit Linux.</summary>
public unsafe class UdpOffloadTests
{
    private static void PutCmsg(byte[] control, int offset, ulong length, int level, int type, int value)
    {
        BitConverter.TryWriteBytes(control.AsSpan(offset), length);
        BitConverter.TryWriteBytes(control.AsSpan(offset + 8), level);
        BitConverter.TryWriteBytes(control.AsSpan(offset + 12), type);
        BitConverter.TryWriteBytes(control.AsSpan(offset + 16), value);
    }

    private static int Read(byte[] control, int length)
    {
        fixed (byte* c = control) return UdpOffload.ReadGroSize(c, (nuint)length);
    }

    [Fact]
    public void SegmentSizeMessageMatchesCmsgLayout()
    {
        var control = new byte[UdpOffload.SegmentCmsgSpace];
        fixed (byte* c = control) UdpOffload.WriteSegmentSize(c, 1452);
        Assert.Equal(24, UdpOffload.SegmentCmsgSpace);
        Assert.Equal([18, 0, 0, 0, 0, 0, 0, 0, 17, 0, 0, 0, 103, 0, 0, 0, 0xac, 0x05], control[..18]);
    }

    [Fact]
    public void GroSizeIsFoundBehindOtherControlMessages()
    {
        var control = new byte[64];
        PutCmsg(control, 0, 20, 0, 8, 7); // IP_PKTINFO-like, padded to 24
        PutCmsg(control, 24, 20, 17, 104, 1440);
        Assert.Equal(1440, Read(control, 48));
    }

    [Fact]
    public void MissingOrBrokenControlDataMeansAPlainDatagram()
    {
        var control = new byte[64];
        Assert.Equal(-1, Read(control, 0));
        PutCmsg(control, 0, 20, 17, 103, 1440);
        Assert.Equal(-1, Read(control, 24));
        PutCmsg(control, 0, 200, 17, 104, 1440);
        Assert.Equal(-1, Read(control, 24));
        PutCmsg(control, 0, 4, 17, 104, 1440);
        Assert.Equal(-1, Read(control, 24));
    }
}
