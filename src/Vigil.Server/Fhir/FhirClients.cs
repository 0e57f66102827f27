using Microsoft.EntityFrameworkCore;
using Vigil.Contracts;
using Vigil.Server.Data;
using Vigil.Server.Identity;
using Vigil.Server.Ledger;
using Vigil.Server.Problems;
using Vigil.Server.Validation;

namespace Vigil.Server.Fhir;

/// <summary>Issues and revokes EHR client tokens for the read-only FHIR API. The token is shown once.</summary>
public sealed class FhirClients(VigilDbContext db, LedgerAppender ledger, ISecureTokenGenerator tokens, IIdGenerator ids, TimeProvider time)
{
    public async Task<FhirClientDto> CreateAsync(CreateFhirClientRequest? request, Guid actorId, CancellationToken cancellationToken)
    {
        var problem = TextInput.Problem(request?.Name, "name", 100);
        if (problem is not null)
        {
            throw ProblemException.Validation(problem);
        }

        var scopes = (request!.Scopes ?? []).Distinct(StringComparer.Ordinal).ToList();
        if (scopes.Count == 0 || scopes.Any(s => !FhirScopes.IsValid(s)))
        {
            throw ProblemException.Validation("scopes must be one or more of system/Communication.read, system/CommunicationRequest.read, system/Consent.read, system/*.read.");
        }

        var token = tokens.NewToken(FhirClientAuthenticationHandler.TokenPrefix);
        var now = time.GetUtcNow();
        var client = new FhirClientToken
        {
            Id = ids.NewId(),
            Name = request.Name.Trim(),
            TokenHash = TokenHash.Of(token),
            Scopes = string.Join(' ', scopes),
            CreatedAt = now,
            CreatedBy = actorId,
        };
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        db.FhirClientTokens.Add(client);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await ledger.AppendAsync(db, [new LedgerEvent(actorId, LedgerActions.FhirClientCreated, $"fhir-client/{client.Id:D}", client.Scopes)], now, cancellationToken)
            .ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new FhirClientDto(client.Id, client.Name, scopes, token);
    }

    public async Task RevokeAsync(Guid id, Guid actorId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var revoked = await db.FhirClientTokens.Where(c => c.Id == id && c.RevokedAt == null)
            .ExecuteUpdateAsync(c => c.SetProperty(x => x.RevokedAt, now), cancellationToken).ConfigureAwait(false);
        if (revoked == 0)
        {
            throw ProblemException.NotFound("The FHIR client");
        }

        await ledger.AppendAsync(db, [new LedgerEvent(actorId, LedgerActions.FhirClientRevoked, $"fhir-client/{id:D}")], now, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}
