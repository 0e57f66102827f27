using System.Diagnostics;
using System.Globalization;

namespace Vigil.LoadTest.Targets;

/// <summary>
/// ejabberd (Erlang) with the defaults of its own example configuration except where the comparison needs otherwise:
/// the message archive (mod_mam) on for every message (<c>default: always</c>), in its default database (Mnesia, on
/// disk), stream management for the acks, in-band registration open on loopback, plain-text c2s, no traffic shaper
/// (the example's c2s shaper allows 1,000 bytes/s per connection), a listen backlog of 1,024 instead of 5 and the
/// open-files limit of this process instead of PAM's 1,024 (with both defaults the full run's 2,000 clients stopped
/// connecting at about 500 with "connection timed out"). Run through <c>ejabberdctl foreground</c> as the package's
/// ejabberd user, as a node of its own name and distribution port, so it needs no epmd (which would outlive it) and
/// never meets an installed ejabberd.
/// </summary>
internal sealed class EjabberdTarget() : XmppTarget("ejabberd")
{
    private string Node => string.Create(CultureInfo.InvariantCulture, $"vigilload{Port}@localhost");

    protected override string[] Configure()
    {
        foreach (var folder in new[] { "logs", "spool" })
        {
            Directory.CreateDirectory(Path.Combine(Folder, folder));
        }

        File.WriteAllText(Path.Combine(Folder, "ejabberd.yml"), string.Create(CultureInfo.InvariantCulture, $$"""
            hosts:
              - localhost
            loglevel: error
            listen:
              -
                port: {{Port}}
                ip: "127.0.0.1"
                module: ejabberd_c2s
                max_stanza_size: 262144
                backlog: 1024
                shaper: none
                access: c2s
                starttls_required: false
            auth_method: internal
            auth_password_format: plain
            acl:
              local:
                user_regexp: ""
            access_rules:
              local:
                allow: local
              c2s:
                allow: all
              register:
                allow: all
            shaper_rules:
              c2s_shaper: none
            registration_timeout: infinity
            modules:
              mod_disco: {}
              mod_mam:
                default: always
              mod_ping: {}
              mod_register:
                access: register
                ip_access: all
                password_strength: 0
              mod_roster: {}
              mod_stream_mgmt: {}
            """));
        File.WriteAllText(Path.Combine(Folder, "ejabberdctl.cfg"), string.Create(CultureInfo.InvariantCulture, $"""
            ERLANG_NODE={Node}
            ERL_DIST_PORT={Vigil.Testing.ServerProcess.FreePort()}
            ERL_OPTIONS="-env ERL_CRASH_DUMP_BYTES 0"
            EJABBERD_PID_PATH={Folder}/ejabberd.pid
            """));
        File.Copy("/etc/ejabberd/inetrc", Path.Combine(Folder, "inetrc"));
        // The VM runs as the package's user (ejabberdctl insists), who must be able to write the folder.
        using var chown = Process.Start("chown", ["-R", "ejabberd:ejabberd", Folder]);
        chown.WaitForExit();
        // As the package's user without su: su goes through PAM's limits, which cut the open files to 1,024 (the run
        // stalled at about 1,000 connections); setpriv keeps this process's limit. Erlang keeps its cookie in HOME.
        return
        [
            "setpriv", "--reuid=ejabberd", "--regid=ejabberd", "--init-groups", "env", $"HOME={Folder}",
            "ejabberdctl", "--config-dir", Folder, "--logs", Path.Combine(Folder, "logs"), "--spool", Path.Combine(Folder, "spool"), "foreground",
        ];
    }
}
