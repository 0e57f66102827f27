using Microsoft.AspNetCore.Identity;

namespace Vigil.Server.Identity;

public sealed class VigilUser : IdentityUser<Guid>
{
    public string DisplayName { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>A disabled account keeps its records but can neither sign in nor use an existing session.</summary>
    public bool Disabled { get; set; }

    /// <summary>Under legal hold the user's data may not be erased.</summary>
    public bool LegalHold { get; set; }
}

public sealed class VigilRole : IdentityRole<Guid>
{
    public VigilRole()
    {
    }

    public VigilRole(string name)
        : base(name)
    {
    }
}
