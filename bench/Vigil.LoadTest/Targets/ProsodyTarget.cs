using System.Globalization;

namespace Vigil.LoadTest.Targets;

/// <summary>
/// prosody (Lua, one thread, epoll) with its defaults for a small deployment, plus what the comparison needs: the
/// message archive (mod_mam) on for every message and kept without expiry or item limit, stream management
/// (mod_smacks) for the acks, in-band registration for the accounts, plain-text c2s on loopback. Storage is its
/// default, files under the data folder (appended per message, not fsynced). Its cache of archive sizes is made
/// larger than the run's accounts: at its default of 1,000 entries, 2,000 active users evict each other and every
/// message reloads the whole archive file of its sender and of its receiver to count the items (saturated at 500
/// msg/s, 2,112 µs per message, in the first run). Nagle's algorithm is off, as Kestrel has it by default: with it
/// on, the stream-management request prosody writes right after each delivered message waited for the client's
/// delayed ACK, and the smoke run's p99 sat at 46–48 ms.
/// </summary>
internal sealed class ProsodyTarget() : XmppTarget("prosody")
{
    protected override string[] Configure()
    {
        var config = Path.Combine(Folder, "prosody.cfg.lua");
        Directory.CreateDirectory(Path.Combine(Folder, "data"));
        Directory.CreateDirectory(Path.Combine(Folder, "certs"));
        File.WriteAllText(config, string.Create(CultureInfo.InvariantCulture, $$"""
            run_as_root = true
            pidfile = "{{Folder}}/prosody.pid"
            data_path = "{{Folder}}/data"
            certificates = "{{Folder}}/certs"
            network_backend = "epoll"
            network_settings = { nagle = false }
            interfaces = { "127.0.0.1" }
            c2s_ports = { {{Port}} }
            http_ports = { }
            https_ports = { }
            modules_disabled = { "s2s" }
            modules_enabled = { "roster", "saslauth", "disco", "register", "mam", "smacks", "ping" }
            c2s_require_encryption = false
            allow_unencrypted_plain_auth = true
            authentication = "internal_plain"
            allow_registration = true
            storage = "internal"
            default_archive_policy = true
            archive_expires_after = "never"
            storage_archive_item_limit = 100000000
            storage_archive_item_limit_cache_size = 100000
            log = { error = "*console" }
            VirtualHost "localhost"
            """));
        return ["prosody", "-F", "--config", config];
    }
}
