using Secnet.Transforms;

namespace Secnet.Tests.Transforms;

public class AllocationTests
{
    public static TheoryData<string, int> Cases => new()
    {
        { "eax-serpent", 64 }, { "eax-serpent", 1400 }, { "serpent256-cbc", 64 }, { "serpent256-cbc", 1400 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardAndReverseAllocateNothing(string name, int size)
    {
        ITransform t = name == "eax-serpent"
            ? new EaxSerpentTransform(new EaxSerpentOptions())
            : new Serpent256CbcTransform(new Serpent256CbcOptions());
        var sender = t.CreateInstance();
        var receiver = t.CreateInstance();
        var key = TransformTestKit.ExampleKey();
        sender.SetKey(key, false);
        receiver.SetKey(key, true);
        var payload = new byte[size];
        var packet = TransformTestKit.Packet(payload);
        var garbage = new byte[size + 52];
        new Random(size).NextBytes(garbage);
        var bad = TransformTestKit.Packet(garbage);
        RoundTrip(sender, receiver, packet, payload, bad, garbage); // JIT and tiering out of the way
        for (int i = 0; i < 200; i++)
            RoundTrip(sender, receiver, packet, payload, bad, garbage);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
            RoundTrip(sender, receiver, packet, payload, bad, garbage);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }

    private static void RoundTrip(ITransformInstance sender, ITransformInstance receiver,
        Secnet.Packets.PacketBuffer packet, byte[] payload, Secnet.Packets.PacketBuffer bad, byte[] garbage)
    {
        packet.CopyFrom(payload);
        if (sender.Forward(packet) != TransformResult.Ok || receiver.Reverse(packet, out _) != TransformResult.Ok)
            throw new InvalidOperationException("round trip failed");
        bad.CopyFrom(garbage);
        if (receiver.Reverse(bad, out _) == TransformResult.Ok)
            throw new InvalidOperationException("garbage accepted");
    }
}
