from django.contrib import admin

from shomer.customers.models import Contact, Contract, Customer


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


class ContractInline(admin.StackedInline):
    model = Contract
    extra = 0


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "status", "tier", "owner", "language"]
    list_filter = ["status", "tier", "kind", "language"]
    search_fields = ["name", "email_domain", "contacts__email"]
    inlines = [ContactInline, ContractInline]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "phone", "customer", "is_primary"]
    search_fields = ["name", "email", "phone"]
    raw_id_fields = ["customer"]
