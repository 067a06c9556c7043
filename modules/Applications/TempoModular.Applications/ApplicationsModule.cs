using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace TempoModular.Applications;

public static class ApplicationsModule
{
    public static IServiceCollection AddApplicationsModule(this IServiceCollection services, IConfiguration configuration)
    {
        return services;
    }
}
