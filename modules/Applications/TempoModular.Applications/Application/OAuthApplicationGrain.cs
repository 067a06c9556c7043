using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TempoModular.Applications.Tokens;
using TempoModular.Storage;

namespace TempoModular.Applications;

/// <summary>One registered application, keyed by its client id.</summary>
internal sealed partial class OAuthApplicationGrain(
    [PersistentState("oauth-application", StorageRegistration.GrainStorage)] IPersistentState<OAuthApplicationState> application,
    IDataProtectionProvider dataProtection,
    IOptions<ApplicationsOptions> options,
    TimeProvider time,
    TokenJournal journal,
    ILogger<OAuthApplicationGrain> logger) : Grain, IOAuthApplicationGrain, IApplicationLifecycle
{
    private IDataProtector? _protector;

    // The decrypted secrets live only in this activation's memory, never in
    // state: the token endpoint verifies a secret on every request and must not
    // pay a Data Protection decrypt each time.
    private byte[]? _currentSecret;
    private byte[]? _previousSecret;
    private bool _secretsLoaded;

    private string ClientId => this.GetPrimaryKeyString();

    private OAuthApplicationState State => application.State;

    private bool IsLive => application.RecordExists && !State.Deleted;

    // The client id is a sub-purpose so that a ciphertext copied into another
    // application's row does not decrypt there.
    private IDataProtector Protector =>
        _protector ??= dataProtection.CreateProtector(ClientCredentials.SecretProtectionPurpose, ClientId);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        this.ForgetUnlessStored(() => application.RecordExists);
        return base.OnActivateAsync(cancellationToken);
    }

    public Task<ApplicationDetails?> GetAsync() => Task.FromResult(IsLive ? ToDetails() : null);

    public async Task<RegisteredApplication> CreateAsync(ApplicationRegistration registration, string actor)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        if (application.RecordExists)
        {
            throw new InvalidOperationException($"An application with client id {ClientId} already exists.");
        }

        var validated = ApplicationValidation.Validate(registration);
        if (!validated.Succeeded)
        {
            throw new ArgumentException($"Invalid registration: {string.Join("; ", validated.Errors)}", nameof(registration));
        }

        var valid = validated.Value!;
        var now = time.GetUtcNow();
        var secret = valid.ClientType == ClientType.Confidential ? ClientCredentials.NewClientSecret() : null;
        var secretBytes = secret is null ? null : Encoding.UTF8.GetBytes(secret);
        application.State = new OAuthApplicationState
        {
            Name = valid.Name,
            RedirectUrls = [.. valid.RedirectUrls],
            ClientType = valid.ClientType,
            GrantTypes = [.. valid.GrantTypes],
            TokenLifetimes = valid.TokenLifetimes,
            RequirePkce = valid.RequirePkce ?? true,
            ProtectedSecret = secretBytes is null ? null : Protector.Protect(secretBytes),
            CreatedAt = now,
            CreatedBy = actor,
            UpdatedAt = now,
            UpdatedBy = actor,
        };
        await SaveAsync();
        ReplaceSecrets(secretBytes, null);
        LogRegistered(logger, ClientId, valid.ClientType, actor);
        return new RegisteredApplication(ToDetails(), secret);
    }

    public Task<ApplicationCredentials?> RevealCredentialsAsync(string actor)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        if (!IsLive)
        {
            return Task.FromResult<ApplicationCredentials?>(null);
        }

        LoadSecrets();
        LogRevealed(logger, ClientId, actor);
        var secret = _currentSecret is null ? null : Encoding.UTF8.GetString(_currentSecret);
        return Task.FromResult<ApplicationCredentials?>(new ApplicationCredentials(ClientId, secret, PreviousSecretValidUntil(time.GetUtcNow())));
    }

    public async Task<RegistryResult<ApplicationCredentials>> RotateSecretAsync(string actor)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        if (!IsLive)
        {
            return RegistryResult<ApplicationCredentials>.Failure(application.RecordExists ? RegistryErrors.AlreadyDeleted : RegistryErrors.NoSuchApplication);
        }

        if (State.ClientType != ClientType.Confidential)
        {
            return RegistryResult<ApplicationCredentials>.Failure(RegistryErrors.PublicClientHasNoSecret);
        }

        LoadSecrets();
        var now = time.GetUtcNow();
        var grace = options.Value.SecretRotationGracePeriod;
        var secret = ClientCredentials.NewClientSecret();
        var secretBytes = Encoding.UTF8.GetBytes(secret);

        // Only the secret current until now survives a rotation: rotating twice
        // within the grace period (say, after a leak) must not keep the oldest
        // one alive.
        var keepPrevious = grace > TimeSpan.Zero;
        State.PreviousProtectedSecret = keepPrevious ? State.ProtectedSecret : null;
        State.PreviousSecretValidUntil = keepPrevious ? now + grace : null;
        State.ProtectedSecret = Protector.Protect(secretBytes);
        State.UpdatedAt = now;
        State.UpdatedBy = actor;
        await SaveAsync();

        ReplaceSecrets(secretBytes, keepPrevious ? _currentSecret : null);
        LogRotated(logger, ClientId, actor, State.PreviousSecretValidUntil);
        return RegistryResult<ApplicationCredentials>.Success(new ApplicationCredentials(ClientId, secret, State.PreviousSecretValidUntil));
    }

    public Task<bool> VerifySecretAsync(string clientSecret)
    {
        if (!IsLive || State.ClientType != ClientType.Confidential || clientSecret is null)
        {
            return Task.FromResult(false);
        }

        LoadSecrets();
        if (_currentSecret is null)
        {
            return Task.FromResult(false);
        }

        var presented = Encoding.UTF8.GetBytes(clientSecret);
        var previousValid = _previousSecret is not null && PreviousSecretValidUntil(time.GetUtcNow()) is not null;

        // Both comparisons always run (non-short-circuit &, |) so the time taken
        // does not tell whether the current or the previous secret matched.
        var matches = ClientCredentials.SecretMatches(presented, _currentSecret)
            | (previousValid & ClientCredentials.SecretMatches(presented, _previousSecret ?? _currentSecret));
        return Task.FromResult(matches);
    }

    public async Task<ClientAuthentication?> AuthenticateAsync(string? clientSecret) =>
        await GetAsync() is { } details
            ? new ClientAuthentication(details, clientSecret is not null && await VerifySecretAsync(clientSecret))
            : null;

    // A caller whose secret does not match learns nothing about the token.
    public async Task<ClientAuthentication?> AuthenticateForTokenAsync(string clientSecret, string tokenId)
    {
        var authentication = await AuthenticateAsync(clientSecret);
        return authentication is { SecretMatches: true }
            ? authentication with { Token = await FindTokenAsync(tokenId) }
            : authentication;
    }

    public async Task<RegistryResult<ApplicationDetails>> ApplyUpdateAsync(ApplicationUpdate update, string actor)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        if (!IsLive)
        {
            return RegistryResult<ApplicationDetails>.Failure(application.RecordExists ? RegistryErrors.AlreadyDeleted : RegistryErrors.NoSuchApplication);
        }

        // Checked again here, against the client type this grain holds, so the
        // stored state is valid whoever calls.
        var validated = ApplicationValidation.Validate(update, State.ClientType);
        if (!validated.Succeeded)
        {
            return RegistryResult<ApplicationDetails>.Failure(validated.Errors);
        }

        var valid = validated.Value!;
        var now = time.GetUtcNow();
        State.Name = valid.Name;
        State.RedirectUrls = [.. valid.RedirectUrls];
        State.GrantTypes = [.. valid.GrantTypes];
        State.TokenLifetimes = valid.TokenLifetimes ?? State.TokenLifetimes;
        State.RequirePkce = valid.RequirePkce ?? State.RequirePkce;
        State.UpdatedAt = now;
        State.UpdatedBy = actor;
        if (PreviousSecretValidUntil(now) is null)
        {
            State.PreviousProtectedSecret = null;
            State.PreviousSecretValidUntil = null;
        }

        await SaveAsync();
        LogUpdated(logger, ClientId, actor);
        return RegistryResult<ApplicationDetails>.Success(ToDetails());
    }

    public async Task<RegistryResult<ApplicationDetails>> MarkDeletedAsync(string actor)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        if (!application.RecordExists)
        {
            return RegistryResult<ApplicationDetails>.Failure(RegistryErrors.NoSuchApplication);
        }

        if (State.Deleted)
        {
            return RegistryResult<ApplicationDetails>.Failure(RegistryErrors.AlreadyDeleted);
        }

        var details = ToDetails();
        var now = time.GetUtcNow();
        State.Deleted = true;
        State.DeletedAt = now;
        State.DeletedBy = actor;

        // Nothing of a deleted application's credentials is kept, so nothing can
        // bring them back.
        State.ProtectedSecret = null;
        State.PreviousProtectedSecret = null;
        State.PreviousSecretValidUntil = null;

        // Fail closed: the in-memory state says deleted even if the write below
        // fails (the activation is then discarded and storage decides).
        ReplaceSecrets(null, null);
        await SaveAsync();
        LogDeleted(logger, ClientId, actor);
        return RegistryResult<ApplicationDetails>.Success(details);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        ReplaceSecrets(null, null);
        TokenMetrics.ForgetActiveTokens(ClientId);
        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    private async Task SaveAsync()
    {
        try
        {
            await application.WriteStateAsync();
        }
        catch
        {
            // Memory is now ahead of storage (or another activation won a race);
            // a fresh activation reads what storage really holds.
            DeactivateOnIdle();
            throw;
        }
    }

    private DateTimeOffset? PreviousSecretValidUntil(DateTimeOffset now) =>
        State.PreviousProtectedSecret is not null && State.PreviousSecretValidUntil is { } until && now < until ? until : null;

    private void LoadSecrets()
    {
        if (_secretsLoaded)
        {
            return;
        }

        _currentSecret = State.ProtectedSecret is null ? null : Protector.Unprotect(State.ProtectedSecret);
        _previousSecret = State.PreviousProtectedSecret is null ? null : Protector.Unprotect(State.PreviousProtectedSecret);
        _secretsLoaded = true;
    }

    private void ReplaceSecrets(byte[]? current, byte[]? previous)
    {
        foreach (var old in new[] { _currentSecret, _previousSecret })
        {
            if (old is not null && !ReferenceEquals(old, current) && !ReferenceEquals(old, previous))
            {
                CryptographicOperations.ZeroMemory(old);
            }
        }

        _currentSecret = current;
        _previousSecret = previous;
        _secretsLoaded = true;
    }

    private ApplicationDetails ToDetails() => new(
        ClientId,
        State.Name,
        [.. State.RedirectUrls],
        State.ClientType,
        [.. State.GrantTypes],
        State.CreatedAt,
        State.CreatedBy,
        State.UpdatedAt,
        State.UpdatedBy,
        PreviousSecretValidUntil(time.GetUtcNow()),
        State.TokenLifetimes,
        State.ClientType == ClientType.Public || State.RequirePkce);

    // Client ids and actors only: a secret never reaches a log.
    [LoggerMessage(Level = LogLevel.Information, Message = "Application {ClientId} ({ClientType}) registered by {Actor}")]
    private static partial void LogRegistered(ILogger logger, string clientId, ClientType clientType, string actor);

    [LoggerMessage(Level = LogLevel.Information, Message = "Application {ClientId} updated by {Actor}")]
    private static partial void LogUpdated(ILogger logger, string clientId, string actor);

    [LoggerMessage(Level = LogLevel.Information, Message = "Credentials of application {ClientId} revealed to {Actor}")]
    private static partial void LogRevealed(ILogger logger, string clientId, string actor);

    [LoggerMessage(Level = LogLevel.Information, Message = "Client secret of application {ClientId} rotated by {Actor}; the previous one works until {PreviousValidUntil}")]
    private static partial void LogRotated(ILogger logger, string clientId, string actor, DateTimeOffset? previousValidUntil);

    [LoggerMessage(Level = LogLevel.Information, Message = "Application {ClientId} deleted by {Actor}")]
    private static partial void LogDeleted(ILogger logger, string clientId, string actor);
}
