namespace Vigil.Web.Chat;

public enum ConnectionStatus
{
    Offline,
    Connecting,
    Connected,
    Reconnecting,
}
