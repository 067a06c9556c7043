using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TempoModular.Storage;
using TempoModular.Worklogs.Access;
using TempoModular.Worklogs.Create;
using TempoModular.Worklogs.Delete;
using TempoModular.Worklogs.Get;
using TempoModular.Worklogs.List;
using TempoModular.Worklogs.Worklog;

namespace TempoModular.Worklogs;

public static class WorklogsModule
{
    /// <summary>The worklog listing table and id sequence, and the scope policies of the REST API (grains are found by Orleans).</summary>
    public static IServiceCollection AddWorklogsModule(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<WorklogTable>();
        services.AddSchemaSource(typeof(WorklogsModule).Assembly);
        services.AddApiScopes();
        return services;
    }

    /// <summary>Tempo's REST API v4 worklog endpoints under <c>/4/worklogs</c>, each behind a bearer token with the scope it needs.</summary>
    public static IEndpointRouteBuilder MapWorklogsModule(this IEndpointRouteBuilder endpoints)
    {
        var worklogs = endpoints.MapGroup(WorklogRepresentation.BasePath);
        worklogs.MapGet("", ListWorklogs.HandleAsync).RequireAuthorization(ApiScopes.ReadPolicy);
        worklogs.MapGet("{id}", GetWorklog.HandleAsync).RequireAuthorization(ApiScopes.ReadPolicy);
        worklogs.MapPost("", CreateWorklog.HandleAsync).RequireAuthorization(ApiScopes.WritePolicy);
        worklogs.MapDelete("{id}", DeleteWorklog.HandleAsync).RequireAuthorization(ApiScopes.WritePolicy);
        return endpoints;
    }
}
