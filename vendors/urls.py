from django.urls import path

from vendors import views

app_name = "vendors"
urlpatterns = [
    path("", views.vendor_list, name="vendor_list"),
    path("san-pham/", views.product_list, name="product_list"),
    path("cua-toi/", views.my_vendors, name="mine"),
    path("dang-ky/", views.vendor_create, name="create"),
    path("duyet/", views.review_queue, name="review_queue"),
    path("duyet/<int:pk>/", views.review_document, name="review_document"),
    path("ho-so/<int:pk>/tep/", views.document_file, name="document_file"),
    path("ho-so/<int:pk>/anh-nho/", views.document_file, {"thumbnail": True}, name="document_thumbnail"),
    path("<slug:slug>/", views.vendor_detail, name="vendor_detail"),
    path("<slug:slug>/san-pham/<str:code>/", views.product_detail, name="product_detail"),
    path("<slug:slug>/quan-ly/", views.vendor_manage, name="manage"),
    path("<slug:slug>/quan-ly/thanh-vien/", views.member_invite, name="member_invite"),
    path("<slug:slug>/quan-ly/anh/", views.photo_add, name="photo_add"),
    path("<slug:slug>/quan-ly/san-pham/moi/", views.product_edit, name="product_create"),
    path("<slug:slug>/quan-ly/san-pham/<str:code>/", views.product_edit, name="product_edit"),
    path("<slug:slug>/quan-ly/san-pham/<str:code>/anh/", views.photo_add, name="product_photo_add"),
    path("<slug:slug>/quan-ly/san-pham/<str:code>/gia-si/", views.price_tier_add, name="price_tier_add"),
    path("<slug:slug>/quan-ly/san-pham/<str:code>/gia-si/<int:pk>/xoa/", views.price_tier_delete, name="price_tier_delete"),
    path("<slug:slug>/ho-so/", views.dossier, name="dossier"),
    path("<slug:slug>/ho-so/<int:pk>/tai-lai/", views.document_reupload, name="document_reupload"),
]
