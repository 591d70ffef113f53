namespace Secnet.Sites;

/// <summary>
/// A site's setup or data address list (protocol.md §11): newest first, bounded by
/// <c>*-peers-max</c>, with mobile-peer expiry. Owner thread only.
/// </summary>
internal sealed class PeerAddressList(int max)
{
    private readonly List<PeerAddress> _items = new(max);

    public int Count => _items.Count;
    public PeerAddress this[int index] => _items[index];

    public void Clear() => _items.Clear();

    public void CopyFrom(PeerAddressList other)
    {
        _items.Clear();
        _items.AddRange(other._items);
    }

    /// <summary>Puts <paramref name="address"/> first, dropping an equal entry and the overflow.</summary>
    public void AddFront(PeerAddress address)
    {
        for (int i = 0; i < _items.Count; i++)
        {
            if (_items[i].SameAs(address.Comm, address.Address))
            {
                _items.RemoveAt(i);
                break;
            }
        }
        _items.Insert(0, address);
        if (_items.Count > max) _items.RemoveRange(max, _items.Count - max);
    }

    /// <summary>Drops entries not seen for <paramref name="expiryMs"/> from the end, never the last one;
    /// a local-mobile site keeps all (its own address changes make old ones look stale).</summary>
    public void Expire(long nowMs, long expiryMs, bool localMobile)
    {
        if (localMobile) return;
        while (_items.Count > 1 && nowMs - _items[^1].LastSeenMs > expiryMs) _items.RemoveAt(_items.Count - 1);
    }

    /// <summary>After a failed send: delete the address if others remain, or (local-mobile) move it last.</summary>
    public void OnSendFailed(PeerAddress address, bool localMobile)
    {
        int i = _items.IndexOf(address);
        if (i < 0) return;
        if (localMobile)
        {
            _items.RemoveAt(i);
            _items.Add(address);
        }
        else if (_items.Count > 1)
        {
            _items.RemoveAt(i);
        }
    }

    public PeerAddress[] ToArray() => _items.ToArray();

    public string Describe() => string.Join(", ", _items);
}
