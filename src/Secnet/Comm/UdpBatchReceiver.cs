using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Secnet.Interop;
using Secnet.Packets;

namespace Secnet.Comm;

/// <summary>
/// One socket's recvmmsg state: <see cref="BatchSize"/> pooled buffers, each pinned while it waits
/// in its slot, with native message headers and source addresses allocated once. A slot's buffer
/// is refilled only after <see cref="Take"/> handed it on, so steady-state receiving allocates
/// nothing. The <see cref="SocketAddress"/> of a slot stays valid until the next
/// <see cref="Receive"/>, i.e. through the whole batch that the datagrams belong to.
/// Owned by the packet loop's thread, the one that receives on the socket.
/// </summary>
internal sealed unsafe class UdpBatchReceiver : DatagramReceiver
{
    public const int BatchSize = 32;

    private readonly BufferPool _pool;
    private readonly PacketBuffer?[] _buffers = new PacketBuffer?[BatchSize];
    private readonly GCHandle[] _pins = new GCHandle[BatchSize];
    private readonly SocketAddress[] _sources = new SocketAddress[BatchSize];
    private readonly Libc.MMsgHdr* _messages;
    private readonly Libc.IoVec* _iov;
    private readonly byte* _names;

    public UdpBatchReceiver(BufferPool pool, AddressFamily family)
    {
        _pool = pool;
        _messages = (Libc.MMsgHdr*)NativeMemory.AllocZeroed((nuint)(BatchSize * sizeof(Libc.MMsgHdr)));
        _iov = (Libc.IoVec*)NativeMemory.AllocZeroed((nuint)(BatchSize * sizeof(Libc.IoVec)));
        _names = (byte*)NativeMemory.AllocZeroed((nuint)(BatchSize * Libc.SockaddrStorageSize));
        for (int i = 0; i < BatchSize; i++) _sources[i] = new SocketAddress(family);
    }

    public override int Capacity => BatchSize;

    public override int Receive(int fd, int most, out int errno)
    {
        most = Math.Clamp(most, 1, BatchSize);
        for (int i = 0; i < most; i++)
        {
            var buf = _buffers[i];
            if (buf is null)
            {
                buf = _pool.Rent();
                _buffers[i] = buf;
                _pins[i] = GCHandle.Alloc(buf.Array, GCHandleType.Pinned);
            }
            _iov[i].Base = (byte*)_pins[i].AddrOfPinnedObject() + buf.Start;
            _iov[i].Length = (nuint)(buf.Array.Length - buf.Start);
            ref var h = ref _messages[i].Header;
            h.Name = _names + i * Libc.SockaddrStorageSize;
            h.NameLength = Libc.SockaddrStorageSize;
            h.Iov = _iov + i;
            h.IovLength = 1;
            h.Control = null;
            h.ControlLength = 0;
            h.Flags = 0;
            _messages[i].Length = 0;
        }
        int n = DatagramIo.Receive(fd, _messages, most);
        if (n >= 0)
        {
            errno = 0;
            return n;
        }
        errno = Errno.Last;
        return errno == Errno.EAGAIN ? 0 : -1;
    }

    /// <summary>Without UDP_GRO every message is one datagram.</summary>
    public override int Count(int message) => 1;

    public override PacketBuffer Take(int message, int index) => Take(message);

    /// <summary>Hands on the datagram in slot <paramref name="i"/> (the caller now owns it).</summary>
    public PacketBuffer Take(int i)
    {
        var buf = _buffers[i]!;
        _buffers[i] = null;
        _pins[i].Free();
        buf.SetLength((int)_messages[i].Length);
        return buf;
    }

    /// <summary>Where the datagram in slot <paramref name="i"/> came from.</summary>
    public override SocketAddress Source(int i) => DatagramIo.CopySource(_messages, _names, i, _sources[i]);

    public override void Dispose()
    {
        for (int i = 0; i < BatchSize; i++)
        {
            if (_buffers[i] is not { } buf) continue;
            _pins[i].Free();
            buf.Release();
            _buffers[i] = null;
        }
        NativeMemory.Free(_messages);
        NativeMemory.Free(_iov);
        NativeMemory.Free(_names);
    }
}
