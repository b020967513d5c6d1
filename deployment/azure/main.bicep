// MDU front desk on Azure: the Azure Bot resource (Direct Line and Teams channels), a Linux App
// Service on Node 20 running the bot, and a Key Vault for its secrets.
//
//   az deployment group create -g <resource-group> -f deployment/azure/main.bicep \
//     -p @deployment/azure/main.parameters.example.json -p microsoftAppPassword=<client secret>
//
// The bot keeps its data in one JSON file (DATA_DIR on the App Service's persistent /home
// storage) with a lock: it runs as ONE instance. Do not scale out, and do not use deployment
// slots that swap a second instance onto the same /home. See deployment/README.md.

@description('Short name used to derive resource names (letters, digits, hyphens).')
@minLength(3)
@maxLength(18)
param baseName string = 'mdu-front-desk'

@description('Region of the App Service and the Key Vault (the Azure Bot resource itself is global).')
param location string = resourceGroup().location

@description('Entra app registration (client) id of the bot: MicrosoftAppId.')
param microsoftAppId string

@description('SingleTenant (an app registration of the hospital\'s tenant) or UserAssignedMSI. Multi-tenant bots can no longer be created.')
@allowed([
  'SingleTenant'
  'UserAssignedMSI'
])
param microsoftAppType string = 'SingleTenant'

@description('Tenant of the app registration: MicrosoftAppTenantId.')
param microsoftAppTenantId string = tenant().tenantId

@description('Client secret of the app registration. Stored in Key Vault only; the app setting is a Key Vault reference. Leave empty for UserAssignedMSI.')
@secure()
param microsoftAppPassword string = ''

@description('Optional bearer token for GET /metrics (stored in Key Vault). Without it /metrics answers only on loopback, i.e. not on App Service.')
@secure()
param metricsToken string = ''

@description('Public base URL as browsers see it (a custom domain, or empty for https://<app>.azurewebsites.net).')
param publicUrl string = ''

@description('Origins allowed to embed the Web Chat with the Direct Line channel (the hospital\'s website).')
param trustedOrigins array = []

@description('App Service plan SKU. B1 is enough for the measured load (BENCHMARKS.md); P0v3 for a production SLA.')
@allowed([
  'B1'
  'B2'
  'S1'
  'P0v3'
  'P1v3'
])
param appServiceSku string = 'B1'

@description('Azure Bot pricing tier: F0 (free, standard channels such as Teams and Direct Line are free anyway) or S1.')
@allowed([
  'F0'
  'S1'
])
param botSku string = 'F0'

@description('Retention of conversations and transcripts, in days (CONVERSATION_RETENTION_DAYS, TRANSCRIPT_RETENTION_DAYS).')
@minValue(1)
@maxValue(365)
param retentionDays int = 7

param tags object = {
  application: 'mdu-front-desk'
}

var suffix = uniqueString(resourceGroup().id, baseName)
var planName = '${baseName}-plan'
var webAppName = '${baseName}-${suffix}'
var botName = '${baseName}-bot-${suffix}'
var keyVaultName = take('kv${replace(baseName, '-', '')}${suffix}', 24)
var publicBaseUrl = empty(publicUrl) ? 'https://${webAppName}.azurewebsites.net' : publicUrl
// Built-in role: Key Vault Secrets User (read secret values).
var keyVaultSecretsUserRole = '4633458b-17de-408a-b874-0445c86b69e6'

resource keyVault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: keyVaultName
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

resource appPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(microsoftAppPassword)) {
  parent: keyVault
  name: 'microsoft-app-password'
  properties: {
    value: microsoftAppPassword
    contentType: 'Entra client secret of the bot app registration'
  }
}

resource metricsTokenSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(metricsToken)) {
  parent: keyVault
  name: 'metrics-token'
  properties: {
    value: metricsToken
  }
}

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'linux'
  sku: {
    name: appServiceSku
    capacity: 1
  }
  properties: {
    reserved: true
  }
}

resource webApp 'Microsoft.Web/sites@2023-12-01' = {
  name: webAppName
  location: location
  tags: tags
  kind: 'app,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientAffinityEnabled: false
    keyVaultReferenceIdentity: 'SystemAssigned'
    siteConfig: {
      linuxFxVersion: 'NODE|20-lts'
      appCommandLine: 'node dist/bot/main.js'
      alwaysOn: true
      http20Enabled: true
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      webSocketsEnabled: false
      healthCheckPath: '/readyz'
      numberOfWorkers: 1
      appSettings: [
        { name: 'NODE_ENV', value: 'production' }
        // Azure mode: the bot checks the Bot Framework's tokens, so it may listen on all interfaces.
        { name: 'HOST', value: '0.0.0.0' }
        { name: 'PUBLIC_URL', value: publicBaseUrl }
        { name: 'MicrosoftAppId', value: microsoftAppId }
        { name: 'MicrosoftAppType', value: microsoftAppType }
        { name: 'MicrosoftAppTenantId', value: microsoftAppTenantId }
        { name: 'MicrosoftAppPassword', value: empty(microsoftAppPassword) ? '' : '@Microsoft.KeyVault(VaultName=${keyVault.name};SecretName=microsoft-app-password)' }
        // The Direct Line channel's secret key (copied into Key Vault below): exchanged for tokens
        // on the server, never sent to browsers.
        { name: 'DIRECT_LINE_SECRET', value: '@Microsoft.KeyVault(VaultName=${keyVault.name};SecretName=direct-line-secret)' }
        { name: 'METRICS_TOKEN', value: empty(metricsToken) ? '' : '@Microsoft.KeyVault(VaultName=${keyVault.name};SecretName=metrics-token)' }
        // /home is the App Service's persistent storage (kept across restarts and deployments).
        { name: 'WEBSITES_ENABLE_APP_SERVICE_STORAGE', value: 'true' }
        { name: 'DATA_DIR', value: '/home/data' }
        { name: 'KNOWLEDGE_DIR', value: '/home/site/wwwroot/knowledge' }
        { name: 'SAFETY_DIR', value: '/home/site/wwwroot/safety/lexicons' }
        { name: 'TRUST_PROXY', value: 'true' }
        { name: 'CONVERSATION_RETENTION_DAYS', value: string(retentionDays) }
        { name: 'TRANSCRIPT_RETENTION_DAYS', value: string(retentionDays) }
        { name: 'SHUTDOWN_TIMEOUT_SECONDS', value: '20' }
        // A bounded V8 heap (BENCHMARKS.md, memory); the same in the systemd unit and the image.
        { name: 'NODE_OPTIONS', value: '--max-old-space-size=192 --max-semi-space-size=8 --disable-warning=DEP0111' }
        { name: 'LOG_LEVEL', value: 'info' }
        // The package is built before deployment (npm ci --omit=dev, dist/): no build on the server,
        // and install scripts stay off as .npmrc says.
        { name: 'SCM_DO_BUILD_DURING_DEPLOYMENT', value: 'false' }
        { name: 'WEBSITE_RUN_FROM_PACKAGE', value: '1' }
        { name: 'WEBSITES_CONTAINER_START_TIME_LIMIT', value: '120' }
      ]
    }
  }
}

resource webAppReadsSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(keyVault.id, webApp.id, keyVaultSecretsUserRole)
  scope: keyVault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUserRole)
    principalId: webApp.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: botName
  location: 'global'
  tags: tags
  kind: 'azurebot'
  sku: {
    name: botSku
  }
  properties: {
    displayName: 'Maison des usagers'
    description: 'Information desk of the Maison des usagers (Sainte-Anne)'
    endpoint: '${publicBaseUrl}/api/messages'
    msaAppId: microsoftAppId
    msaAppType: microsoftAppType
    msaAppTenantId: microsoftAppTenantId
    disableLocalAuth: false
    isStreamingSupported: false
    publicNetworkAccess: 'Enabled'
    schemaTransformationVersion: '1.3'
  }
}

resource directLine 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'DirectLineChannel'
  location: 'global'
  properties: {
    channelName: 'DirectLineChannel'
    properties: {
      sites: [
        {
          siteName: 'website'
          isEnabled: true
          isV1Enabled: false
          isV3Enabled: true
          // Enhanced authentication: tokens only work from the trusted origins.
          isSecureSiteEnabled: !empty(trustedOrigins)
          trustedOrigins: trustedOrigins
          isBlockUserUploadEnabled: true
        }
      ]
    }
  }
}

// The site's secret key is only returned by the channel's list-with-keys action.
resource directLineSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: keyVault
  name: 'direct-line-secret'
  properties: {
    value: directLine.listChannelWithKeys().setting.sites[0].key
    contentType: 'Direct Line secret of the website site'
  }
}

resource teams 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
      enableCalling: false
      acceptedTerms: true
      deploymentEnvironment: 'CommercialDeployment'
    }
  }
}

output webAppName string = webApp.name
output webAppUrl string = publicBaseUrl
output botName string = bot.name
output messagingEndpoint string = bot.properties.endpoint
output keyVaultName string = keyVault.name
