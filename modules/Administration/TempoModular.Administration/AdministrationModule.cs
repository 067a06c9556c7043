using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TempoModular.Administration.Access;
using TempoModular.Administration.Api;
using TempoModular.Administration.Pages.Settings.Audit;
using TempoModular.Administration.Pages.Settings.OAuthApplications;
using TempoModular.Administration.Pages.Settings.OAuthApplications.ApplicationList;
using TempoModular.Administration.Pages.Settings.OAuthApplications.Credentials;
using TempoModular.Administration.Pages.Settings.OAuthApplications.Delete;
using TempoModular.Administration.Pages.Settings.OAuthApplications.Edit;
using TempoModular.Administration.Pages.Settings.OAuthApplications.Register;
using TempoModular.Administration.Pages.Settings.OAuthApplications.RotateSecret;
using TempoModular.Administration.Pages.Settings.OAuthApplications.Tokens;
using TempoModular.Administration.Pages.Settings.Users;
using TempoModular.Storage;

namespace TempoModular.Administration;

public static class AdministrationModule
{
    /// <summary>The settings pages, the admin API with its Basic scheme and policies, the audit log table and the OpenAPI document.</summary>
    public static IServiceCollection AddAdministrationModule(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<AdministrationOptions>(configuration.GetSection(AdministrationOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<AuditLog>();
        services.TryAddSingleton<ListApplications>();
        services.TryAddSingleton<RegisterApplication>();
        services.TryAddSingleton<EditApplication>();
        services.TryAddSingleton<DeleteApplication>();
        services.TryAddSingleton<RevealCredentials>();
        services.TryAddSingleton<RotateClientSecret>();
        services.TryAddSingleton<ApplicationTokens>();
        services.TryAddSingleton<UserAdministration>();
        services.TryAddSingleton(provider => ServerTokenLifetimes.From(provider.GetRequiredService<IConfiguration>()));
        services.AddSchemaSource(typeof(AdministrationModule).Assembly);

        services.AddAuthentication().AddAdminApiAuthentication();
        services.AddAuthorizationBuilder().AddAdministratorPolicies();
        services.AddRazorPages();
        services.AddOpenApi(AdminApiDocument.Configure);
        return services;
    }

    /// <summary>The admin API under <c>/api/admin/</c> and the OpenAPI document at <c>/openapi/v1.json</c>. The pages come with the host's <c>MapRazorPages</c>.</summary>
    public static IEndpointRouteBuilder MapAdministrationModule(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapAdminApi();
        endpoints.MapOpenApi();
        return endpoints;
    }
}
