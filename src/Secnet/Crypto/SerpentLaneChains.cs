using System.Runtime.CompilerServices;

namespace Secnet.Crypto;

/// <summary>
/// Up to <see cref="Serpent.Lanes"/> CBC chains (one per packet) advanced together, one
/// <see cref="Serpent.EncryptLanes"/> pass per step: the serial parts of the modes (CBC encryption,
/// CBC-MAC, OMAC) cannot use SIMD within a packet, but several packets' chains can share a pass.
/// Chains may have different lengths; a lane drops out when its chain ends and keeps its final state.
/// </summary>
internal ref struct SerpentLaneChains
{
    private const int Block = Serpent.BlockSize;
    private const int LaneCount = Serpent.Lanes;

    private LaneArrays _arrays;
    private LaneInts _offsets;
    private LaneInts _blocks;
    private LaneInts _extra;
    private readonly Span<byte> _states;
    private readonly Span<byte> _extraBlocks;

    /// <param name="states">8 x 16 bytes: each lane's starting chain value in, its final value out.</param>
    /// <param name="extraBlocks">8 x 16 bytes: each lane's optional last block (see <see cref="SetLane"/>).</param>
    public SerpentLaneChains(Span<byte> states, Span<byte> extraBlocks)
    {
        _states = states[..(LaneCount * Block)];
        _extraBlocks = extraBlocks[..(LaneCount * Block)];
    }

    /// <summary>Lane <paramref name="lane"/>'s chain value: set it before <see cref="Run"/>, read the result after.</summary>
    public readonly Span<byte> State(int lane) => _states.Slice(lane * Block, Block);

    /// <summary>Lane <paramref name="lane"/>'s optional last block.</summary>
    public readonly Span<byte> ExtraBlock(int lane) => _extraBlocks.Slice(lane * Block, Block);

    /// <summary>Lane <paramref name="lane"/> chains <paramref name="blocks"/> whole blocks of
    /// <paramref name="array"/> from <paramref name="offset"/>, then (if <paramref name="withExtraBlock"/>)
    /// its block of the extra-blocks buffer, which is where a chain's specially prepared last block goes.</summary>
    public void SetLane(int lane, byte[] array, int offset, int blocks, bool withExtraBlock)
    {
        _arrays[lane] = array;
        _offsets[lane] = offset;
        _blocks[lane] = blocks;
        _extra[lane] = withExtraBlock ? 1 : 0;
    }

    /// <summary>state = E(state ^ block) along every lane's chain. With <paramref name="writeBack"/> each
    /// whole block of the arrays is replaced by the state that followed it (CBC encryption in place).</summary>
    public readonly void Run(Serpent cipher, bool writeBack)
    {
        int steps = 0;
        for (int i = 0; i < LaneCount; i++)
            steps = Math.Max(steps, _blocks[i] + _extra[i]);
        Span<byte> work = stackalloc byte[LaneCount * Block];
        work.Clear();
        for (int k = 0; k < steps; k++)
        {
            for (int i = 0; i < LaneCount; i++)
            {
                var w = work.Slice(i * Block, Block);
                if (k < _blocks[i])
                    Xor.Block(_states.Slice(i * Block, Block), _arrays[i].AsSpan(_offsets[i] + k * Block, Block), w);
                else if (k < _blocks[i] + _extra[i])
                    Xor.Block(_states.Slice(i * Block, Block), _extraBlocks.Slice(i * Block, Block), w);
            }
            cipher.EncryptLanes(work, work);
            for (int i = 0; i < LaneCount; i++)
            {
                if (k >= _blocks[i] + _extra[i])
                    continue;
                var w = work.Slice(i * Block, Block);
                w.CopyTo(_states.Slice(i * Block, Block));
                if (writeBack && k < _blocks[i])
                    w.CopyTo(_arrays[i].AsSpan(_offsets[i] + k * Block, Block));
            }
        }
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(work);
    }

    [InlineArray(LaneCount)]
    private struct LaneArrays
    {
        private byte[] _element;
    }

    [InlineArray(LaneCount)]
    private struct LaneInts
    {
        private int _element;
    }
}
