using Microsoft.Extensions.Logging;
using TempoModular.Storage;

namespace TempoModular.Applications;

/// <summary>
/// The site's application directory (key 0). Being a single non-reentrant
/// activation is what makes names unique: registrations, renames and deletes
/// run one at a time, each finishing its write before the next starts.
/// </summary>
internal sealed partial class ApplicationDirectoryGrain(
    [PersistentState("oauth-application-directory", StorageRegistration.GrainStorage)] IPersistentState<ApplicationDirectoryState> directory,
    ILogger<ApplicationDirectoryGrain> logger) : Grain, IApplicationDirectoryGrain
{
    private const int MaxPageSize = 200;

    private readonly Dictionary<string, string> _clientIdsByName = new(StringComparer.OrdinalIgnoreCase);
    private ApplicationDirectoryEntry[]? _sortedByName;

    private Dictionary<string, ApplicationDirectoryEntry> Applications => directory.State.Applications;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        foreach (var entry in Applications.Values)
        {
            _clientIdsByName[entry.Name] = entry.ClientId;
        }

        return base.OnActivateAsync(cancellationToken);
    }

    public async Task<RegistryResult<RegisteredApplication>> RegisterAsync(ApplicationRegistration registration, string actor)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        var validated = ApplicationValidation.Validate(registration);
        var errors = validated.Errors.ToList();
        if (IsNameTaken(registration.Name, byOtherThan: null))
        {
            errors.Add(RegistryErrors.NameTaken);
        }

        if (errors.Count > 0)
        {
            return RegistryResult<RegisteredApplication>.Failure(errors);
        }

        string clientId;
        do
        {
            clientId = ClientCredentials.NewClientId();
        }
        while (Applications.ContainsKey(clientId));

        // The application is written first: if the directory write below is
        // lost, what remains is an application nobody was ever told about, never
        // a directory entry pointing at nothing.
        var grain = GrainFactory.GetGrain<IApplicationLifecycle>(clientId);
        var registered = await grain.CreateAsync(validated.Value!, actor);
        Put(ToEntry(registered.Application));
        try
        {
            await SaveAsync();
        }
        catch
        {
            await WithdrawAsync(grain, actor);
            throw;
        }

        return RegistryResult<RegisteredApplication>.Success(registered);
    }

    public async Task<RegistryResult<ApplicationDetails>> UpdateAsync(string clientId, ApplicationUpdate update, string actor)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        if (string.IsNullOrWhiteSpace(clientId) || !Applications.TryGetValue(clientId, out var entry))
        {
            return RegistryResult<ApplicationDetails>.Failure(RegistryErrors.NoSuchApplication);
        }

        var validated = ApplicationValidation.Validate(update, entry.ClientType);
        var errors = validated.Errors.ToList();

        // The application's own name in another case is not a clash.
        if (IsNameTaken(update.Name, byOtherThan: clientId))
        {
            errors.Add(RegistryErrors.NameTaken);
        }

        if (errors.Count > 0)
        {
            return RegistryResult<ApplicationDetails>.Failure(errors);
        }

        var result = await GrainFactory.GetGrain<IApplicationLifecycle>(clientId).ApplyUpdateAsync(validated.Value!, actor);
        if (result.Succeeded)
        {
            Put(ToEntry(result.Value!));
            await SaveAsync();
        }

        return result;
    }

    public async Task<RegistryResult<ApplicationDetails>> DeleteAsync(string clientId, string actor)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        if (string.IsNullOrWhiteSpace(clientId))
        {
            return RegistryResult<ApplicationDetails>.Failure(RegistryErrors.NoSuchApplication);
        }

        // The application grain knows whether it never existed or was already
        // deleted; the directory only lists live ones.
        var result = await GrainFactory.GetGrain<IApplicationLifecycle>(clientId).MarkDeletedAsync(actor);
        if (result.Succeeded && Remove(clientId))
        {
            await SaveAsync();
        }

        return result;
    }

    public Task<ApplicationPage> ListAsync(int page, int pageSize, string? filter)
    {
        page = Math.Max(page, 1);
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        _sortedByName ??= [.. Applications.Values
            .OrderBy(e => e.Name, StringComparer.OrdinalIgnoreCase)
            .ThenBy(e => e.ClientId, StringComparer.Ordinal)];

        filter = filter?.Trim();
        var matches = string.IsNullOrEmpty(filter)
            ? _sortedByName
            : [.. _sortedByName.Where(e =>
                e.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)
                || e.ClientId.Contains(filter, StringComparison.OrdinalIgnoreCase))];

        var skip = (long)(page - 1) * pageSize;
        ApplicationSummary[] items = skip >= matches.Length
            ? []
            : [.. matches.Skip((int)skip).Take(pageSize).Select(e => e.ToSummary())];
        return Task.FromResult(new ApplicationPage(items, page, pageSize, matches.Length));
    }

    private bool IsNameTaken(string? name, string? byOtherThan)
    {
        var normalized = ApplicationValidation.NormalizeName(name);
        return normalized.Length > 0
            && _clientIdsByName.TryGetValue(normalized, out var holder)
            && holder != byOtherThan;
    }

    private void Put(ApplicationDirectoryEntry entry)
    {
        Remove(entry.ClientId);
        Applications[entry.ClientId] = entry;
        _clientIdsByName[entry.Name] = entry.ClientId;
        _sortedByName = null;
    }

    private bool Remove(string clientId)
    {
        if (!Applications.Remove(clientId, out var entry))
        {
            return false;
        }

        _clientIdsByName.Remove(entry.Name);
        _sortedByName = null;
        return true;
    }

    private async Task SaveAsync()
    {
        try
        {
            await directory.WriteStateAsync();
        }
        catch
        {
            // Memory is now ahead of storage; a fresh activation reads what
            // storage really holds.
            DeactivateOnIdle();
            throw;
        }
    }

    // A registration whose directory entry could not be written is taken back,
    // so no application exists that the administrators cannot see or delete.
    private async Task WithdrawAsync(IApplicationLifecycle grain, string actor)
    {
        try
        {
            await grain.MarkDeletedAsync(actor);
        }
        catch (Exception ex)
        {
            LogWithdrawFailed(logger, ex, grain.GetPrimaryKeyString());
        }
    }

    private static ApplicationDirectoryEntry ToEntry(ApplicationDetails details) => new()
    {
        ClientId = details.ClientId,
        Name = details.Name,
        ClientType = details.ClientType,
        GrantTypes = [.. details.GrantTypes],
        RedirectUrlCount = details.RedirectUrls.Count,
        CreatedAt = details.CreatedAt,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Application {ClientId} was created but could not be listed, nor withdrawn; it is unreachable")]
    private static partial void LogWithdrawFailed(ILogger logger, Exception exception, string clientId);
}
