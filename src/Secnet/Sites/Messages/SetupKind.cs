namespace Secnet.Sites.Messages;

/// <summary>Which key-setup message a name field belongs to; decides which extra items exist.</summary>
public enum SetupKind
{
    Msg1 = 1,
    Msg2 = 2,
    Msg3 = 3,
    Msg4 = 4,
}
